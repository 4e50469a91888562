package jepa.accel.batchnorm;

import jepa.accel.Backend;
import jepa.accel.DenseArrays;
import jepa.accel.NativeLibrary;
import jepa.accel.ParallelLoops;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/** The runtime layer: preOutput and backpropGradient differ from DL4J's in the 4-D NCHW case. */
public class BatchNormRuntime extends org.deeplearning4j.nn.layers.normalization.BatchNormalization {
    /** Images per block of partial sums (fixed, so that sums never depend on the thread count). */
    static final int BLOCK = 16;

    private INDArray statsOf;          // the input the batch statistics below belong to (identity)
    private double[] batchMean, batchVar;

    public BatchNormRuntime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

    private boolean fast(INDArray a) {
        BatchNormalization lc = layerConf();
        return getHelper() == null && a.rank() == 4 && lc.getCnn2DFormat() == CNN2DFormat.NCHW
                && !lc.isLockGammaBeta() && !lc.isUseLogStd()
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE);
    }

    @Override
    public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(x)) return super.preOutput(x, training, workspaceMgr);
        BatchNormalization lc = layerConf();
        if (x.size(1) != lc.getNOut())
            throw new IllegalArgumentException("input.size(1) does not match expected input size of " + lc.getNIn()
                    + " - got input array with shape " + Arrays.toString(x.shape()) + " " + layerId());
        INDArray in = DenseArrays.dense(x.castTo(dataType), true);
        int n = (int) in.size(0), c = (int) in.size(1), hw = (int) (in.size(2) * in.size(3));
        double[] mean, var;
        if (training == TrainingMode.TRAIN) {
            double[][] mv = stats(in, n, c, hw);
            mean = batchMean = mv[0];
            var = batchVar = mv[1];
            statsOf = x;
        } else {
            mean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toDoubleVector();
            var = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toDoubleVector();
        }
        double[] gamma = getParam(BatchNormalizationParamInitializer.GAMMA).toDoubleVector();
        double[] beta = getParam(BatchNormalizationParamInitializer.BETA).toDoubleVector();
        double[] scale = new double[c];
        for (int j = 0; j < c; j++) scale[j] = gamma[j] / Math.sqrt(var[j] + lc.getEps());

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, in.shape(), 'c');
        INDArray target = DenseArrays.dense(out) ? out : Nd4j.createUninitialized(dataType, in.shape(), 'c');
        ParallelLoops.forRange(n, (from, to) -> Passes.of(in, null, target, c, hw).normalize(from, to, mean, scale, beta));
        if (target != out) out.assign(target);
        return out;
    }

    /**
     * Biased batch mean and variance per channel of a dense [n, c, h, w] array, totals in double, shifted by
     * each channel's first value (no cancellation in Σx² − (Σx)²/M); partial sums per block of images.
     */
    static double[][] stats(INDArray in, int n, int c, int hw) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] shift = new double[c];
        for (int j = 0; j < c; j++) shift[j] = in.getDouble(0, j, 0, 0);
        double[][] s1 = new double[blocks][], s2 = new double[blocks][];
        ParallelLoops.forRange(blocks, (from, to) -> {
            Passes p = Passes.of(in, null, null, c, hw);
            for (int b = from; b < to; b++) {
                s1[b] = new double[c];
                s2[b] = new double[c];
                p.stats(b * BLOCK, Math.min(n, (b + 1) * BLOCK), shift, s1[b], s2[b]);
            }
        });
        double m = (double) n * hw;
        double[] mean = new double[c], var = new double[c];
        for (int j = 0; j < c; j++) {
            double a = 0, q = 0;
            for (int b = 0; b < blocks; b++) { a += s1[b][j]; q += s2[b][j]; }
            double d = a / m;
            mean[j] = shift[j] + d;
            var[j] = Math.max(0, q / m - d * d);
        }
        return new double[][]{mean, var};
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(epsilon)) return super.backpropGradient(epsilon, workspaceMgr);
        assertInputSet(true);
        BatchNormalization lc = layerConf();
        INDArray in = DenseArrays.dense(input.castTo(dataType), true);
        INDArray dy = DenseArrays.dense(epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType), true);
        int n = (int) in.size(0), c = (int) in.size(1), hw = (int) (in.size(2) * in.size(3));
        if (statsOf != input || batchMean == null || batchMean.length != c) {     // no training forward on this input
            double[][] mv = stats(in, n, c, hw);
            batchMean = mv[0];
            batchVar = mv[1];
            statsOf = input;
        }
        double[] mean = batchMean, var = batchVar;

        // pass 1: Σdy and Σdy·(x−μ) per channel, per block of images
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[][] sdy = new double[blocks][], sdyx = new double[blocks][];
        ParallelLoops.forRange(blocks, (from, to) -> {
            Passes p = Passes.of(in, dy, null, c, hw);
            for (int b = from; b < to; b++) {
                sdy[b] = new double[c];
                sdyx[b] = new double[c];
                p.gradientSums(b * BLOCK, Math.min(n, (b + 1) * BLOCK), mean, sdy[b], sdyx[b]);
            }
        });
        double mTotal = (double) n * hw, decay = lc.getDecay();
        double[] gamma = getParam(BatchNormalizationParamInitializer.GAMMA).toDoubleVector();
        double[] runMean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toDoubleVector();
        double[] runVar = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toDoubleVector();
        double[] dGamma = new double[c], dBeta = new double[c], dMean = new double[c], dVar = new double[c];
        double[] k1 = new double[c], k2 = new double[c], k3 = new double[c];
        for (int j = 0; j < c; j++) {
            double a = 0, q = 0;
            for (int b = 0; b < blocks; b++) { a += sdy[b][j]; q += sdyx[b][j]; }
            double inv = 1 / Math.sqrt(var[j] + lc.getEps());
            dBeta[j] = a;
            dGamma[j] = q * inv;
            k1[j] = gamma[j] * inv;
            k2[j] = -k1[j] * inv * inv * q / mTotal;
            k3[j] = -k1[j] * a / mTotal;
            // DL4J's running-statistics "gradients": the NoOp updater leaves running − (1−decay)·(running − batch)
            dMean[j] = (runMean[j] - mean[j]) * (1 - decay);
            dVar[j] = (runVar[j] - var[j]) * (1 - decay);
        }

        // pass 2: dx = k1·dy + k2·(x−μ) + k3
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, in.shape(), 'c');
        INDArray target = DenseArrays.dense(dx) ? dx : Nd4j.createUninitialized(dataType, in.shape(), 'c');
        ParallelLoops.forRange(n, (from, to) -> Passes.of(in, dy, target, c, hw).gradientInput(from, to, mean, k1, k2, k3));
        if (target != dx) dx.assign(target);

        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, fill(BatchNormalizationParamInitializer.GAMMA, dGamma));
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, fill(BatchNormalizationParamInitializer.BETA, dBeta));
        g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, fill(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean));
        g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, fill(BatchNormalizationParamInitializer.GLOBAL_VAR, dVar));
        return new Pair<>(g, dx);
    }

    /** Writes values into the named gradient view (DL4J's updater reads the flattened gradient array). */
    private INDArray fill(String param, double[] values) {
        INDArray view = gradientViews.get(param);
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
        return view;
    }

    @Override
    public void clear() {
        super.clear();
        statsOf = null;
    }

    /**
     * The four passes over dense [n, c, hw] arrays x, dy (read) and out (written), one image at a time through
     * JavaCPP bulk copies, in the arrays' own precision (float loops vectorise; float→double conversions do not, on
     * Java 17) with per-lane sums over a block of images and per-channel totals in double. One instance per thread
     * (JavaCPP pointers keep a position).
     */
    private abstract static class Passes {
        final int c, hw, per;

        Passes(int c, int hw) { this.c = c; this.hw = hw; this.per = c * hw; }

        static Passes of(INDArray x, INDArray dy, INDArray out, int c, int hw) {
            if (x.dataType() != DataType.FLOAT) return new DoublePasses(x, dy, out, c, hw);
            return Backend.current() == Backend.NATIVE ? new NativePasses(x, dy, out, c, hw) : new FloatPasses(x, dy, out, c, hw);
        }

        /** s1[j] = Σ (x − shift[j]), s2[j] = Σ (x − shift[j])² over images [i0, i1) of channel j. */
        abstract void stats(int i0, int i1, double[] shift, double[] s1, double[] s2);

        /** out = (x − mean)·scale + beta per channel, images [i0, i1). */
        abstract void normalize(int i0, int i1, double[] mean, double[] scale, double[] beta);

        /** sdy[j] = Σ dy, sdyx[j] = Σ dy·(x − mean[j]) over images [i0, i1) of channel j. */
        abstract void gradientSums(int i0, int i1, double[] mean, double[] sdy, double[] sdyx);

        /** out = k1·dy + k2·(x − mean) + k3 per channel, images [i0, i1). */
        abstract void gradientInput(int i0, int i1, double[] mean, double[] k1, double[] k2, double[] k3);

        /** Per-channel totals (in double) of lane sums [c·hw]. */
        final void totals(float[] lanes, double[] out) {
            for (int j = 0; j < c; j++) {
                double a = 0;
                for (int k = j * hw, e = k + hw; k < e; k++) a += lanes[k];
                out[j] = a;
            }
        }

        final void totals(double[] lanes, double[] out) {
            for (int j = 0; j < c; j++) {
                double a = 0;
                for (int k = j * hw, e = k + hw; k < e; k++) a += lanes[k];
                out[j] = a;
            }
        }
    }

    private static final class FloatPasses extends Passes {
        private final FloatPointer x, dy, out;
        private final float[] xb, db, l1, l2;

        FloatPasses(INDArray x, INDArray dy, INDArray out, int c, int hw) {
            super(c, hw);
            this.x = new FloatPointer(x.data().addressPointer());
            this.dy = dy == null ? null : new FloatPointer(dy.data().addressPointer());
            this.out = out == null ? null : new FloatPointer(out.data().addressPointer());
            xb = new float[per];
            db = new float[per];
            l1 = new float[per];
            l2 = new float[per];
        }

        void stats(int i0, int i1, double[] shift, double[] s1, double[] s2) {
            Arrays.fill(l1, 0f);
            Arrays.fill(l2, 0f);
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                for (int j = 0; j < c; j++) {
                    float s = (float) shift[j];                   // a value of the array: exact
                    for (int k = j * hw, e = k + hw; k < e; k++) {
                        float d = xb[k] - s;
                        l1[k] += d;
                        l2[k] += d * d;
                    }
                }
            }
            totals(l1, s1);
            totals(l2, s2);
        }

        void normalize(int i0, int i1, double[] mean, double[] scale, double[] beta) {
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                for (int j = 0; j < c; j++) {
                    float m = (float) mean[j], s = (float) scale[j], b = (float) beta[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) xb[k] = (xb[k] - m) * s + b;
                }
                out.position((long) i * per).put(xb, 0, per);
            }
        }

        void gradientSums(int i0, int i1, double[] mean, double[] sdy, double[] sdyx) {
            Arrays.fill(l1, 0f);
            Arrays.fill(l2, 0f);
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                dy.position((long) i * per).get(db, 0, per);
                for (int j = 0; j < c; j++) {
                    float m = (float) mean[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) {
                        l1[k] += db[k];
                        l2[k] += db[k] * (xb[k] - m);
                    }
                }
            }
            totals(l1, sdy);
            totals(l2, sdyx);
        }

        void gradientInput(int i0, int i1, double[] mean, double[] k1, double[] k2, double[] k3) {
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                dy.position((long) i * per).get(db, 0, per);
                for (int j = 0; j < c; j++) {
                    float m = (float) mean[j], a = (float) k1[j], b = (float) k2[j], d = (float) k3[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) db[k] = a * db[k] + b * (xb[k] - m) + d;
                }
                out.position((long) i * per).put(db, 0, per);
            }
        }
    }

    /** The float passes in native code ({@link NativeBatchNorm}): the same bits, without the copies. */
    private static final class NativePasses extends Passes {
        private final long x, dy, out;

        NativePasses(INDArray x, INDArray dy, INDArray out, int c, int hw) {
            super(c, hw);
            this.x = NativeLibrary.address(x, "input");
            this.dy = dy == null ? 0 : NativeLibrary.address(dy, "output gradient");
            this.out = out == null ? 0 : NativeLibrary.address(out, "output");
        }

        private static float[] floats(double[] v) {
            float[] f = new float[v.length];
            for (int j = 0; j < v.length; j++) f[j] = (float) v[j];
            return f;
        }

        void stats(int i0, int i1, double[] shift, double[] s1, double[] s2) {
            NativeBatchNorm.stats(x, c, hw, i0, i1, floats(shift), s1, s2);
        }

        void normalize(int i0, int i1, double[] mean, double[] scale, double[] beta) {
            NativeBatchNorm.normalize(x, out, c, hw, i0, i1, floats(mean), floats(scale), floats(beta));
        }

        void gradientSums(int i0, int i1, double[] mean, double[] sdy, double[] sdyx) {
            NativeBatchNorm.gradientSums(x, dy, c, hw, i0, i1, floats(mean), sdy, sdyx);
        }

        void gradientInput(int i0, int i1, double[] mean, double[] k1, double[] k2, double[] k3) {
            NativeBatchNorm.gradientInput(x, dy, out, c, hw, i0, i1, floats(mean), floats(k1), floats(k2), floats(k3));
        }
    }

    private static final class DoublePasses extends Passes {
        private final DoublePointer x, dy, out;
        private final double[] xb, db, l1, l2;

        DoublePasses(INDArray x, INDArray dy, INDArray out, int c, int hw) {
            super(c, hw);
            this.x = new DoublePointer(x.data().addressPointer());
            this.dy = dy == null ? null : new DoublePointer(dy.data().addressPointer());
            this.out = out == null ? null : new DoublePointer(out.data().addressPointer());
            xb = new double[per];
            db = new double[per];
            l1 = new double[per];
            l2 = new double[per];
        }

        void stats(int i0, int i1, double[] shift, double[] s1, double[] s2) {
            Arrays.fill(l1, 0);
            Arrays.fill(l2, 0);
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                for (int j = 0; j < c; j++) {
                    double s = shift[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) {
                        double d = xb[k] - s;
                        l1[k] += d;
                        l2[k] += d * d;
                    }
                }
            }
            totals(l1, s1);
            totals(l2, s2);
        }

        void normalize(int i0, int i1, double[] mean, double[] scale, double[] beta) {
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                for (int j = 0; j < c; j++) {
                    double m = mean[j], s = scale[j], b = beta[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) xb[k] = (xb[k] - m) * s + b;
                }
                out.position((long) i * per).put(xb, 0, per);
            }
        }

        void gradientSums(int i0, int i1, double[] mean, double[] sdy, double[] sdyx) {
            Arrays.fill(l1, 0);
            Arrays.fill(l2, 0);
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                dy.position((long) i * per).get(db, 0, per);
                for (int j = 0; j < c; j++) {
                    double m = mean[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) {
                        l1[k] += db[k];
                        l2[k] += db[k] * (xb[k] - m);
                    }
                }
            }
            totals(l1, sdy);
            totals(l2, sdyx);
        }

        void gradientInput(int i0, int i1, double[] mean, double[] k1, double[] k2, double[] k3) {
            for (int i = i0; i < i1; i++) {
                x.position((long) i * per).get(xb, 0, per);
                dy.position((long) i * per).get(db, 0, per);
                for (int j = 0; j < c; j++) {
                    double m = mean[j], a = k1[j], b = k2[j], d = k3[j];
                    for (int k = j * hw, e = k + hw; k < e; k++) db[k] = a * db[k] + b * (xb[k] - m) + d;
                }
                out.position((long) i * per).put(db, 0, per);
            }
        }
    }
}
