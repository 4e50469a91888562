package jepa.accel.loss;

import jepa.accel.HostCopy;
import jepa.accel.ParallelLoops;
import jepa.accel.Sgemm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The runtime of {@link InfoNceLoss}: the same loss and input gradient as DL4J's SameDiff runtime of its
 * {@code defineLayer} graph (InfoNceLossRuntimeTest), as Java loops plus 2·(T−1) BLAS gemms.
 * <p>
 * Per predicted frame (M = 2N rows F = [P; E], optionally unit rows u = v/max(‖v‖, 1e-12)), S = F·Fᵀ/τ and
 * loss = mean_k (logsumexp_{j≠k} S_kj − S_k,partner(k)); ∂loss/∂S_kj = (softmax_{j≠k}(S_k)_j − 1[j = partner])/M,
 * ∂/∂F = (∂S + ∂Sᵀ)·F/τ, and through the normalisation ∂/∂v = (g − u·(u·g))/‖v‖ (g/1e-12 where the norm is clamped).
 * <p>
 * The DL4J contract (score, epsilon scale, activations = the input, any batch size) is {@link LossRuntime}'s.
 */
public class InfoNceLossRuntime extends LossRuntime {
    private Scratch scratch;

    public InfoNceLossRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, "InfoNceLoss");
    }

    @Override
    String noPerExampleScore() { return "InfoNCE's negatives are whole-batch: no per-example score"; }

    /** L for the current input; with eps non-null (fresh c-order [B, 2D, T]) also writes B·∂L/∂x into it. */
    @Override
    double loss(INDArray eps) {
        InfoNceLoss conf = (InfoNceLoss) layerConf();
        int d = conf.d(), n = (int) input.size(0), t = (int) input.size(2);
        if (input.rank() != 3 || input.size(1) != 2L * d)
            throw new IllegalStateException("InfoNceLoss input must be [B, " + 2 * d + ", T], got " + input.shapeInfoToString());
        Scratch s = scratch;
        if (s == null || s.n != n || s.d != d || s.t != t) scratch = s = new Scratch(dataType, n, d, t);
        s.split(input, conf.normalizeZ());
        double l = s.logits(conf.temperature()) / (2.0 * n * (t - 1));
        if (eps != null) s.join(eps, conf.normalizeZ(), n / (2.0 * n * (t - 1) * conf.temperature()));
        return l;
    }

    /** Frame f of a c-order [F, R, C] array: a contiguous [R, C] view, as BLAS takes it. */
    private static INDArray frame(INDArray a, long f) { return a.get(point(f), all(), all()); }

    /** Working arrays for one (B, D, T). Rows: f[(p·M + k)·D + j], p = t − 1, k < N rollout, k ≥ N encodings. */
    private static final class Scratch {
        final int n, d, t, m, np;
        final INDArray rows, sim, grad;                    // native [T−1, M, D], [T−1, M, M], [T−1, M, D]
        final double[] x, f, norm, s, w, g, frameSums;
        final HostCopy host = new HostCopy();

        Scratch(DataType dt, int n, int d, int t) {
            this.n = n; this.d = d; this.t = t; this.m = 2 * n; this.np = t - 1;
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                rows = Nd4j.createUninitialized(dt, new long[]{np, m, d}, 'c');
                sim = Nd4j.createUninitialized(dt, new long[]{np, m, m}, 'c');
                grad = Nd4j.createUninitialized(dt, new long[]{np, m, d}, 'c');
            }
            x = new double[n * 2 * d * t];
            f = new double[np * m * d];
            norm = new double[np * m];
            s = new double[np * m * m];
            w = new double[np * m * m];
            g = new double[np * m * d];
            frameSums = new double[np];
        }

        /** x → rows F (unit rows when normalise, norms kept) → native; S = F·Fᵀ per frame (BLAS). */
        void split(INDArray input, boolean normalise) {
            host.read(input, x);
            ParallelLoops.forRange(n, (from, to) -> {
                for (int b = from; b < to; b++) {
                    for (int j = 0; j < 2 * d; j++) {
                        int row = (b * 2 * d + j) * t, k = j < d ? b : n + b, col = j < d ? j : j - d;
                        for (int p = 0; p < np; p++) f[(p * m + k) * d + col] = x[row + p + 1];
                    }
                }
            });
            if (normalise) {
                ParallelLoops.forRange(np * m, (from, to) -> {
                    for (int r = from; r < to; r++) {
                        double ss = 0;
                        for (int j = r * d; j < (r + 1) * d; j++) ss += f[j] * f[j];
                        double nr = Math.sqrt(ss);
                        norm[r] = nr;
                        double div = Math.max(nr, 1e-12);
                        for (int j = r * d; j < (r + 1) * d; j++) f[j] /= div;
                    }
                });
            }
            host.write(f, rows);
            for (int p = 0; p < np; p++) {
                INDArray fp = frame(rows, p);
                Sgemm.gemm(fp, fp, frame(sim, p), false, true, 1.0, 0.0);
            }
            host.read(sim, s);
        }

        /** Σ over frames and rows of (logsumexp_{j≠k} S_kj/τ − S_k,partner/τ); leaves the softmax rows (0 at j = k) in s. */
        double logits(double tau) {
            ParallelLoops.forRange(np, (from, to) -> {
                for (int p = from; p < to; p++) {
                    double sum = 0;
                    for (int k = 0; k < m; k++) {
                        int base = (p * m + k) * m, partner = k < n ? k + n : k - n;
                        double pos = s[base + partner] / tau, max = Double.NEGATIVE_INFINITY, z = 0;
                        for (int j = 0; j < m; j++) if (j != k) max = Math.max(max, s[base + j] / tau);
                        for (int j = 0; j < m; j++) {
                            double e = j == k ? 0 : Math.exp(s[base + j] / tau - max);
                            s[base + j] = e;
                            z += e;
                        }
                        for (int j = 0; j < m; j++) s[base + j] /= z;
                        sum += max + Math.log(z) - pos;
                    }
                    frameSums[p] = sum;
                }
            });
            double total = 0;
            for (double v : frameSums) total += v;
            return total;
        }

        /**
         * eps = B·∂L/∂x: W = scale·(∂S + ∂Sᵀ) with ∂S = softmax − 1[partner] (scale = B/(M·(T−1)·τ)), ∂F = W·F (BLAS),
         * back through the row normalisation, into the input layout (frame 0 gets nothing).
         */
        void join(INDArray eps, boolean normalise, double scale) {
            ParallelLoops.forRange(np, (from, to) -> {
                for (int p = from; p < to; p++) {
                    int base = p * m * m;
                    for (int k = 0; k < m; k++) {
                        int partner = k < n ? k + n : k - n;
                        for (int j = 0; j < m; j++)
                            w[base + k * m + j] = scale * (s[base + k * m + j] + s[base + j * m + k] - (j == partner ? 2 : 0));
                    }
                }
            });
            host.write(w, sim);
            for (int p = 0; p < np; p++) Sgemm.gemm(frame(sim, p), frame(rows, p), frame(grad, p), false, false, 1.0, 0.0);
            host.read(grad, g);
            if (normalise) {
                ParallelLoops.forRange(np * m, (from, to) -> {
                    for (int r = from; r < to; r++) {
                        if (norm[r] > 1e-12) {
                            double dot = 0;
                            for (int j = r * d; j < (r + 1) * d; j++) dot += f[j] * g[j];
                            for (int j = r * d; j < (r + 1) * d; j++) g[j] = (g[j] - f[j] * dot) / norm[r];
                        } else {
                            for (int j = r * d; j < (r + 1) * d; j++) g[j] /= 1e-12;
                        }
                    }
                });
            }
            ParallelLoops.forRange(n, (from, to) -> {
                for (int b = from; b < to; b++) {
                    for (int j = 0; j < 2 * d; j++) {
                        int row = (b * 2 * d + j) * t, k = j < d ? b : n + b, col = j < d ? j : j - d;
                        x[row] = 0;
                        for (int p = 0; p < np; p++) x[row + p + 1] = g[(p * m + k) * d + col];
                    }
                }
            });
            host.write(x, eps);
        }
    }
}
