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
 * The runtime of {@link VicregLoss}: the same loss and input gradient as DL4J's SameDiff runtime of its
 * {@code defineLayer} graph (VicregLossRuntimeTest), as Java loops plus 2·F BLAS gemms instead of a SameDiff
 * session, whose per-op overhead made up most of the layer's time.
 * <p>
 * One Java pass reads x [B, 2D, T] into frame-major [T, B, D] encodings, centred over the batch per frame, and
 * prediction errors; one more writes the epsilon back (libnd4j's strided permute-copies are ~10× slower). Per frame,
 * with c the centred encodings (N = B, F frames) and the Gram matrix G = c·cᵀ [N, N] (N ≪ D: N²·D flops instead of
 * the covariance's N·D²): Σ_{i≠j} Cov_ij² = ‖G‖²/(N−1)² − Σ_j var_j² and c·offdiag(Cov) = G·c/(N−1) − c·diag(var);
 * ∂L_var/∂c = −1[std<1]·c/(std·(N−1)·D·F) and ∂L_cov/∂c = 4·c·offdiag(Cov)/((N−1)·D·F). Both have zero column sums
 * (the columns of c do), so the centring's Jacobian (I − 11ᵀ/N) leaves them unchanged. Sums run in double, in an
 * order that does not depend on the thread count.
 * <p>
 * The DL4J contract (score, epsilon scale, activations, any batch size) is {@link LossRuntime}'s.
 */
public class VicregLossRuntime extends LossRuntime {
    private Scratch scratch;
    private VicregLoss.Terms lastTrainingTerms;

    public VicregLossRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, "VicregLoss");
    }

    @Override
    String noPerExampleScore() { return "VICReg's variance/covariance terms are whole-batch: no per-example score"; }

    /** L for the current input; with eps non-null (fresh c-order [B, 2D, T]) also writes B·∂L/∂x into it. */
    @Override
    double loss(INDArray eps) {
        VicregLoss conf = (VicregLoss) layerConf();
        VicregParams p = conf.params();
        int d = conf.d(), n = (int) input.size(0), t = (int) input.size(2), first = p.skipFirstStepVc() ? 1 : 0, nf = t - first;
        if (input.rank() != 3 || input.size(1) != 2L * d)
            throw new IllegalStateException("VicregLoss input must be [B, " + 2 * d + ", T], got " + input.shapeInfoToString());
        Scratch s = scratch;
        if (s == null || s.n != n || s.d != d || s.t != t || s.first != first) scratch = s = new Scratch(dataType, n, d, t, first);

        double lPred = s.split(input) / ((t - 1.0) * n * d);
        double lVar = s.variance() / ((double) d * nf);
        double lCov = s.offDiagonal() / ((double) d * nf);
        double l = p.simCoeff() * lPred + p.stdCoeff() * lVar + p.covCoeff() * lCov;
        if (eps != null) {
            lastTrainingTerms = new VicregLoss.Terms(l, lPred, lVar, lCov);
            double a = -n * p.stdCoeff() / ((n - 1.0) * d * nf), k = 4.0 * n * p.covCoeff() / ((n - 1.0) * d * nf);
            s.join(eps, a, k, 2 * p.simCoeff() / ((double) d * (t - 1)));
        }
        return l;
    }

    /** The terms of the last gradient computation (the last fit step's batch and parameters), null before one. */
    public VicregLoss.Terms lastTrainingTerms() { return lastTrainingTerms; }

    /** Frame f of a c-order [F, R, C] array: a contiguous [R, C] view, as BLAS takes it. */
    private static INDArray frame(INDArray a, long f) { return a.get(point(f), all(), all()); }

    /**
     * The layer's working arrays for one (B, D, T, first), kept between calls (native ones outside any workspace).
     * Indices: c[(f·N + b)·D + j] for frames f = t − first, r[((t−1)·N + b)·D + j] for t ≥ 1.
     */
    private static final class Scratch {
        final int n, d, t, first, nf;
        final INDArray enc, gram, grad;                    // native [F, N, D] centred encodings, [F, N, N], [F, N, D]
        final double[] x, c, r, var, std, g, gg, frameSums;   // x is the input, then the epsilon
        final HostCopy host = new HostCopy();

        Scratch(DataType dt, int n, int d, int t, int first) {
            this.n = n; this.d = d; this.t = t; this.first = first; this.nf = t - first;
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                enc = Nd4j.createUninitialized(dt, new long[]{nf, n, d}, 'c');
                gram = Nd4j.createUninitialized(dt, new long[]{nf, n, n}, 'c');
                grad = Nd4j.createUninitialized(dt, new long[]{nf, n, d}, 'c');
            }
            x = new double[n * 2 * d * t];
            c = new double[nf * n * d];
            r = new double[(t - 1) * n * d];
            var = new double[nf * d];
            std = new double[nf * d];
            g = new double[nf * n * d];
            gg = new double[nf * n * n];
            frameSums = new double[t];
        }

        /** Reads x, fills c (centred) and r = rollout − encodings; returns Σ r². */
        double split(INDArray input) {
            host.read(input, x);
            ParallelLoops.forRange(n, (from, to) -> {
                for (int b = from; b < to; b++) {
                    for (int j = 0; j < d; j++) {
                        int rollRow = (b * 2 * d + j) * t, encRow = (b * 2 * d + d + j) * t;
                        for (int tt = 0; tt < t; tt++) {
                            double v = x[encRow + tt];
                            if (tt >= first) c[((tt - first) * n + b) * d + j] = v;
                            if (tt > 0) r[((tt - 1) * n + b) * d + j] = x[rollRow + tt] - v;
                        }
                    }
                }
            });
            // per frame: centre c over the batch, unbiased variance, Σ r² of the frame
            ParallelLoops.forRange(t, (from, to) -> {
                double[] mean = new double[d];
                for (int tt = from; tt < to; tt++) {
                    if (tt >= first) {
                        int f = tt - first, base = f * n * d;
                        java.util.Arrays.fill(mean, 0);
                        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) mean[j] += c[base + b * d + j];
                        for (int j = 0; j < d; j++) { mean[j] /= n; var[f * d + j] = 0; }
                        for (int b = 0; b < n; b++) {
                            for (int j = 0; j < d; j++) {
                                double v = c[base + b * d + j] - mean[j];
                                c[base + b * d + j] = v;
                                var[f * d + j] += v * v;
                            }
                        }
                        for (int j = 0; j < d; j++) var[f * d + j] /= n - 1;
                    }
                    double sr = 0;
                    if (tt > 0) for (int i = (tt - 1) * n * d, end = i + n * d; i < end; i++) sr += r[i] * r[i];
                    frameSums[tt] = sr;
                }
            });
            host.write(c, enc);
            double sum = 0;
            for (double v : frameSums) sum += v;
            return sum;
        }

        /** std = √(var + 1e-4); returns Σ_{f,j} ReLU(1 − std). */
        double variance() {
            double sum = 0;
            for (int i = 0; i < var.length; i++) {
                std[i] = Math.sqrt(var[i] + VicregLoss.STD_EPS);
                sum += Math.max(0, 1 - std[i]);
            }
            return sum;
        }

        /** G_f = c_f·c_fᵀ (BLAS); returns Σ_f Σ_{i≠j} Cov_ij² = Σ_f ‖G_f‖²/(N−1)² − Σ var². */
        double offDiagonal() {
            for (int f = 0; f < nf; f++) {
                INDArray cf = frame(enc, f);
                Sgemm.gemm(cf, cf, frame(gram, f), false, true, 1.0, 0.0);
            }
            host.read(gram, gg);
            double all = 0, diag = 0;
            for (double v : gg) all += v * v;
            for (double v : var) diag += v * v;
            return all / ((n - 1.0) * (n - 1.0)) - diag;
        }

        /**
         * Writes B·∂L/∂x into eps: B·∂L/∂c = c·(a·1[std<1]/std − k·var) + k/(N−1)·G·c (a, k: the scaled variance and
         * covariance factors), then the prediction term s·r into the rollout and −s·r into the encodings.
         */
        void join(INDArray eps, double a, double k, double s) {
            ParallelLoops.forRange(nf, (from, to) -> {
                for (int f = from; f < to; f++) {
                    for (int b = 0; b < n; b++) {
                        for (int j = 0, i = (f * n + b) * d; j < d; j++, i++) {
                            int fj = f * d + j;
                            double coef = (std[fj] < 1 ? a / std[fj] : 0) - k * var[fj];
                            g[i] = c[i] * coef;
                        }
                    }
                }
            });
            host.write(g, grad);
            for (int f = 0; f < nf; f++) Sgemm.gemm(frame(gram, f), frame(enc, f), frame(grad, f), false, false, k / (n - 1), 1.0);
            host.read(grad, g);
            ParallelLoops.forRange(n, (from, to) -> {
                for (int b = from; b < to; b++) {
                    for (int j = 0; j < d; j++) {
                        int rollRow = (b * 2 * d + j) * t, encRow = (b * 2 * d + d + j) * t;
                        for (int tt = 0; tt < t; tt++) {
                            double pr = tt > 0 ? s * r[((tt - 1) * n + b) * d + j] : 0;
                            x[rollRow + tt] = pr;
                            x[encRow + tt] = (tt >= first ? g[((tt - first) * n + b) * d + j] : 0) - pr;
                        }
                    }
                }
            });
            host.write(x, eps);
        }
    }
}
