package jepa.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TD-MPC2's discrete regression: a scalar target r becomes a soft "two-hot" distribution over {@code bins} equally
 * spaced support points in [vmin, vmax] (in symlog space): x = clamp(symlog(r), vmin, vmax) puts weight 1 − f on the
 * bin at or below x and f on the next one, f the fractional position between them, so Σ weights·support = x. A head
 * outputs logits over the bins, trained with the soft cross-entropy against this target ({@link SoftCrossEntropy});
 * its prediction is symexp(Σ softmax(logits)·support).
 *
 * @param bins number of support points (TD-MPC2: 101)
 * @param vmin lowest support point, symlog space (TD-MPC2: −10)
 * @param vmax highest support point (TD-MPC2: +10)
 */
public record TwoHot(int bins, double vmin, double vmax) implements java.io.Serializable {

    public TwoHot {
        if (bins < 2) throw new IllegalArgumentException("two-hot bins must be >= 2, got " + bins);
        if (!(vmax > vmin)) throw new IllegalArgumentException("two-hot vmax must be > vmin, got " + vmin + ", " + vmax);
    }

    /** The paper's (TD-MPC2's) encoding: 101 bins over [−10, 10]. */
    public static TwoHot tdmpc2() { return new TwoHot(101, -10, 10); }

    /** Spacing of the support, (vmax − vmin)/(bins − 1) (0.2 for TD-MPC2). */
    public double binSize() { return (vmax - vmin) / (bins - 1); }

    /** Support point i, in symlog space. */
    public double support(int i) { return vmin + i * binSize(); }

    /** Writes the two-hot target of r into out[offset .. offset + bins) (all other entries zero). */
    public void encode(double r, double[] out, int offset) {
        double x = Math.max(vmin, Math.min(vmax, Symlog.symlog(r)));
        double pos = (x - vmin) / binSize();
        // at x = vmax TD-MPC2 writes weight 1 to the last bin and 0 to bin 0 (index wraps); the same vector here
        int lo = Math.min((int) Math.floor(pos), bins - 2);
        double f = pos - lo;
        java.util.Arrays.fill(out, offset, offset + bins, 0);
        out[offset + lo] = 1 - f;
        out[offset + lo + 1] = f;
    }

    /** The two-hot target of r. */
    public double[] encode(double r) {
        double[] t = new double[bins];
        encode(r, t, 0);
        return t;
    }

    /** Targets for a batch: [B, bins] of the given type, row i the encoding of r[i]. */
    public INDArray encode(float[] r, DataType type) {
        double[] t = new double[r.length * bins];
        for (int i = 0; i < r.length; i++) encode(r[i], t, i * bins);
        return Nd4j.createFromArray(t).reshape(r.length, bins).castTo(type);
    }

    /** The scalar a head's logits predict: symexp(Σ softmax(logits)·support). */
    public double decode(double[] logits) {
        if (logits.length != bins) throw new IllegalArgumentException("expected " + bins + " logits, got " + logits.length);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        double z = 0, m = 0;
        for (int i = 0; i < bins; i++) {
            double e = Math.exp(logits[i] - max);
            z += e;
            m += e * support(i);
        }
        return Symlog.symexp(m / z);
    }

    /** {@link #decode(double[])} of each row of [B, bins] logits. */
    public double[] decode(INDArray logits) {
        double[][] rows = logits.toDoubleMatrix();
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = decode(rows[i]);
        return out;
    }
}
