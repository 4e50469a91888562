package jepa.rl;

import jepa.nn.VisionTransformer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The predictor of seed 003: a two-layer MLP from s_x to s_pred, the one-hot action projected to the hidden width by
 * a linear layer and added after the first layer: s_pred = (GELU(s_x·W1 + b1) + a·Wa + ba)·W2 + b2. Kept small on
 * purpose (the paper: the prediction should be solved in the embedding, not by the predictor). Initialised as
 * PyTorch's nn.Linear, U(±1/√fan_in). As a SameDiff graph ({@link #build}) and as Java loops on a flat parameter
 * vector ({@link #forward}, {@link #backward}) in the same layout: W1 [d, h], b1 [h], Wa [actions, h], ba [h],
 * W2 [h, d], b2 [d].
 */
public final class JepaPredictor {
    static final List<String> NAMES = List.of("pred_W1", "pred_b1", "pred_Wa", "pred_ba", "pred_W2", "pred_b2");

    private final int d, h, actions;

    public JepaPredictor(int embedding, int hidden, int actions) {
        this.d = embedding;
        this.h = hidden;
        this.actions = actions;
    }

    public int size() { return d * h + h + actions * h + h + h * d + d; }

    /** Adds the predictor to sd (variables {@link #NAMES}, initialised from rng); returns s_pred. */
    SDVariable build(SameDiff sd, SDVariable s, SDVariable a, SplittableRandom rng, DataType dt) {
        SDVariable hidden = VisionTransformer.gelu(sd, s.mmul(sd.var(NAMES.get(0), linear(rng, dt, d, d, h))).add(sd.var(NAMES.get(1), linear(rng, dt, d, h))));
        hidden = hidden.add(a.mmul(sd.var(NAMES.get(2), linear(rng, dt, actions, actions, h))).add(sd.var(NAMES.get(3), linear(rng, dt, actions, h))));
        return hidden.mmul(sd.var(NAMES.get(4), linear(rng, dt, h, h, d))).add(sd.var(NAMES.get(5), linear(rng, dt, h, d)));
    }

    private static org.nd4j.linalg.api.ndarray.INDArray linear(SplittableRandom rng, DataType dt, int fanIn, long... shape) {
        long count = 1;
        for (long v : shape) count *= v;
        double[] w = new double[Math.toIntExact(count)];
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < w.length; i++) w[i] = rng.nextDouble(-bound, bound);
        return Nd4j.create(w, shape, DataType.DOUBLE).castTo(dt);
    }

    /** What {@link #backward} needs of a forward pass over n rows. */
    record Pass(int n, double[] s, int[] actions, double[] z1, double[] hidden, double[] out) {}

    /** s_pred [n, d] of s [n, d] and actions, with parameters at theta[off…]. */
    Pass forward(double[] theta, int off, double[] s, int[] acts, int n) {
        int w1 = off, b1 = w1 + d * h, wa = b1 + h, ba = wa + actions * h, w2 = ba + h, b2 = w2 + h * d;
        double[] z1 = new double[n * h], hid = new double[n * h], out = new double[n * d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                double z = theta[b1 + j];
                for (int i = 0; i < d; i++) z += s[r * d + i] * theta[w1 + i * h + j];
                z1[r * h + j] = z;
                hid[r * h + j] = gelu(z) + theta[wa + acts[r] * h + j] + theta[ba + j];
            }
            for (int i = 0; i < d; i++) {
                double y = theta[b2 + i];
                for (int j = 0; j < h; j++) y += hid[r * h + j] * theta[w2 + j * d + i];
                out[r * d + i] = y;
            }
        }
        return new Pass(n, s, acts, z1, hid, out);
    }

    /** Adds ∂L/∂θ to grad[off…] for ∂L/∂s_pred; returns ∂L/∂s [n, d]. */
    double[] backward(double[] theta, int off, Pass p, double[] dOut, double[] grad) {
        int w1 = off, b1 = w1 + d * h, wa = b1 + h, ba = wa + actions * h, w2 = ba + h, b2 = w2 + h * d, n = p.n();
        double[] ds = new double[n * d];
        double[] dh = new double[h];
        for (int r = 0; r < n; r++) {
            java.util.Arrays.fill(dh, 0);
            for (int i = 0; i < d; i++) {
                double go = dOut[r * d + i];
                grad[b2 + i] += go;
                for (int j = 0; j < h; j++) {
                    grad[w2 + j * d + i] += p.hidden()[r * h + j] * go;
                    dh[j] += theta[w2 + j * d + i] * go;
                }
            }
            for (int j = 0; j < h; j++) {
                grad[wa + p.actions()[r] * h + j] += dh[j];
                grad[ba + j] += dh[j];
                double dz = dh[j] * geluGrad(p.z1()[r * h + j]);
                grad[b1 + j] += dz;
                for (int i = 0; i < d; i++) {
                    grad[w1 + i * h + j] += p.s()[r * d + i] * dz;
                    ds[r * d + i] += theta[w1 + i * h + j] * dz;
                }
            }
        }
        return ds;
    }

    private static final double SQRT_HALF = Math.sqrt(0.5), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    static double gelu(double x) { return 0.5 * x * (1 + jepa.accel.vit.VitRuntime.erf(x * SQRT_HALF)); }

    static double geluGrad(double x) { return 0.5 * (1 + jepa.accel.vit.VitRuntime.erf(x * SQRT_HALF)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x); }
}
