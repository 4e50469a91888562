package jepa.nn;

import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.init.orthogonal_(weight, gain)} (the initialisation CleanRL's PPO gives every layer): the
 * weight [out, in] is gain·Q, Q from the QR decomposition of a standard-normal matrix (transposed when out &lt; in),
 * with the sign convention diag(R) &gt; 0 — so Q has orthonormal columns (out ≥ in) or rows. Gram–Schmidt (modified,
 * in double) gives that Q directly. Same distribution as PyTorch's, not its random numbers.
 */
public final class OrthogonalInit {
    private OrthogonalInit() {}

    /** Fills the [in, out] row-major weight (the heads' layout, the transpose of PyTorch's) at params[offset]. */
    public static void fill(double[] params, int offset, int in, int out, double gain, SplittableRandom rng) {
        int tall = Math.max(in, out), wide = Math.min(in, out);
        double[][] q = new double[wide][tall];                  // columns of the tall matrix
        for (double[] col : q) for (int i = 0; i < tall; i++) col[i] = gaussian(rng);
        for (int c = 0; c < wide; c++) {
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int i = 0; i < tall; i++) dot += q[c][i] * q[p][i];
                for (int i = 0; i < tall; i++) q[c][i] -= dot * q[p][i];
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) norm += q[c][i] * q[c][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < tall; i++) q[c][i] /= norm;
        }
        // PyTorch's weight W[o][i] is Q[o][i] (out ≥ in) or Qᵀ; stored here as [i][o]
        for (int i = 0; i < in; i++)
            for (int o = 0; o < out; o++)
                params[offset + i * out + o] = gain * (out >= in ? q[i][o] : q[o][i]);
    }

    private static double gaussian(SplittableRandom rng) {          // Box–Muller, one value per call (cheap enough here)
        double u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
