package jepa.method;

import jepa.data.Batch;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The energy of a latent-variable JEPA (seed 001 §4.4) for one step: E(x, y) = min over z of ‖Pred(s_x, a, z) − s_y‖²
 * / D, with Pred one GRU step from h = s_x (the trained weights, in double) — over the K one-hot values exactly for a
 * discrete z, at the amortised encoder's z(s_x, s_y) for a continuous one. Matched pairs take y = the next frame of
 * the same sequence; mismatched pairs the next frame of another sequence: when z can explain any y, their energies
 * meet (the collapse seed 001 warns about).
 */
public final class LatentEnergy {
    private final double[][] wi, wh, wz;
    private final double[] bi, bh, bz;
    private final int d, k;
    private final boolean discrete;
    private final JepaNetwork net;

    /** Mean energies over a batch's steps and sequences. */
    public record Energies(double matched, double mismatched) {}

    private LatentEnergy(JepaNetwork net, boolean discrete, int k) {
        this.net = net;
        this.discrete = discrete;
        this.k = k;
        ComputationGraph cg = net.graph();
        Map<String, INDArray> gru = cg.getVertex(JepaNetwork.ROLLOUT).paramTable(false);
        wi = gru.get("Wi0").toDoubleMatrix();
        wh = gru.get("Wh0").toDoubleMatrix();
        bi = gru.get("bi0").toDoubleVector();
        bh = gru.get("bh0").toDoubleVector();
        d = wh.length;
        wz = cg.getLayer(LatentJepa.Z + "_fc").getParam("W").toDoubleMatrix();
        bz = cg.getLayer(LatentJepa.Z + "_fc").getParam("b").toDoubleVector();
    }

    public static LatentEnergy of(JepaNetwork net, LatentJepa method) { return new LatentEnergy(net, method.discrete(), method.latentDim()); }

    public Energies energies(Batch b) {
        double[][][] s = array3(net.encode(b.frames()));        // [B][D][17], inference-mode BatchNorm
        double[][][] a = array3(b.actions());                   // [B][2][16]
        int n = s.length, steps = a[0][0].length;
        double matched = 0, mismatched = 0;
        for (int i = 0; i < n; i++)
            for (int t = 0; t < steps; t++) {
                double[] x = column(s[i], t), act = {a[i][0][t], a[i][1][t]};
                matched += energy(x, act, column(s[i], t + 1));
                mismatched += energy(x, act, column(s[(i + 1) % n], t + 1));
            }
        return new Energies(matched / (n * steps), mismatched / (n * steps));
    }

    /** E(x, y) for one step and action: the minimum over the K values, or at the inferred z. */
    public double energy(double[] x, double[] action, double[] y) {
        if (!discrete) return distance(step(x, input(action, infer(x, y))), y);
        double best = Double.POSITIVE_INFINITY;
        for (int v = 0; v < k; v++) best = Math.min(best, energyAt(x, action, y, v));
        return best;
    }

    /** The energy with z the one-hot of value {@code v} (discrete z). */
    public double energyAt(double[] x, double[] action, double[] y, int v) {
        double[] z = new double[k];
        z[v] = 1;
        return distance(step(x, input(action, z)), y);
    }

    /** The amortised encoder's z from [x, y]. */
    double[] infer(double[] x, double[] y) {
        double[] z = bz.clone();
        for (int j = 0; j < z.length; j++) {
            for (int i = 0; i < d; i++) z[j] += x[i] * wz[i][j] + y[i] * wz[d + i][j];
        }
        return z;
    }

    /** One PyTorch GRU step: r, z, n gates along the 3D columns of Wi [in, 3D] and Wh [D, 3D]. */
    double[] step(double[] h, double[] in) {
        double[] gi = bi.clone(), gh = bh.clone(), out = new double[d];
        for (int c = 0; c < 3 * d; c++) {
            for (int i = 0; i < in.length; i++) gi[c] += in[i] * wi[i][c];
            for (int i = 0; i < d; i++) gh[c] += h[i] * wh[i][c];
        }
        for (int j = 0; j < d; j++) {
            double r = sigmoid(gi[j] + gh[j]), u = sigmoid(gi[d + j] + gh[d + j]);
            double cand = Math.tanh(gi[2 * d + j] + r * gh[2 * d + j]);
            out[j] = (1 - u) * cand + u * h[j];
        }
        return out;
    }

    private static double[] input(double[] action, double[] z) {
        double[] in = new double[action.length + z.length];
        System.arraycopy(action, 0, in, 0, action.length);
        System.arraycopy(z, 0, in, action.length, z.length);
        return in;
    }

    private double distance(double[] p, double[] y) {
        double s = 0;
        for (int j = 0; j < d; j++) s += (p[j] - y[j]) * (p[j] - y[j]);
        return s / d;
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }

    private static double[] column(double[][] m, int t) {
        double[] c = new double[m.length];
        for (int j = 0; j < m.length; j++) c[j] = m[j][t];
        return c;
    }

    private static double[][][] array3(INDArray a) {
        long[] sh = a.shape();
        double[] flat = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        double[][][] out = new double[(int) sh[0]][(int) sh[1]][(int) sh[2]];
        int q = 0;
        for (double[][] m : out) for (double[] r : m) for (int t = 0; t < r.length; t++) r[t] = flat[q++];
        return out;
    }
}
