package jepa.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collection;

/**
 * DL4J's DenseLayer (same configuration, JSON, parameters and results) with a runtime for MeNet5's last layer, a
 * float identity dense layer with bias: z = x·W + b.
 * <p>
 * Why (DL4J 1.0.0-M2.1, CPU, MeNet5 at [1088, 576] → 512): the stock runtime adds the bias with a single-threaded
 * libnd4j broadcast, and its backward pass recomputes the forward gemm and bias only to get the pre-activation that
 * the identity activation does not need (~3 % of a training step together). Here the forward is one gemm into a
 * result whose rows hold b already (beta = 1; the rows are filled in parallel Java loops); the backward is dW = xᵀ·ε
 * (into the 'f'-order gradient view, as DL4J), db = column sums of ε (in double, parallel over columns) and
 * ε_in = ε·Wᵀ, with no forward recomputation. Every output value is written by one thread, in a fixed order, so
 * results do not depend on the thread count (OpenBLAS's gemms are deterministic too; ContiguousDenseTest).
 * Measured (ContiguousDenseBench, 1 thread, shared machine): with {@link ImagesToFrames}, forward + backward of the
 * layer and the preprocessor 53–82 ms stock, 35–43 ms here; in a graph with workspaces 45–68 ms → 34–47 ms (runs
 * differ with the machine's load). Folding the bias into the gemm costs ~0.3 ms over the bare 8–9.5 ms gemm (a
 * separate parallel add: about the same).
 * <p>
 * The fast path needs float, IDENTITY activation, a bias, no layer norm, no dropout, no weight noise, no mask and a
 * dense [n, nIn] input, c- or f-order (it only enters gemms; MeNet5's is c-order, DL4J's RnnToFeedForward gives
 * f-order); anything else takes the stock code path.
 */
public class ContiguousDense extends DenseLayer {

    /** For JSON deserialisation only. */
    public ContiguousDense() {}

    /** The layer DL4J's builder describes (DL4J's DenseLayer(Builder) constructor is private: built, then copied). */
    public ContiguousDense(DenseLayer.Builder b) { this(b.build()); }

    /** A copy of a built DenseLayer's configuration (every field, as DL4J's own clone would copy it). */
    public ContiguousDense(DenseLayer built) { LayerRuntimes.copyConfig(DenseLayer.class, built, this); }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("ContiguousDense", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerRuntimes.wire(new Runtime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override
    public ContiguousDense clone() { return (ContiguousDense) super.clone(); }

    /** The runtime layer: activate and backpropGradient differ from DL4J's on the fast path above. */
    public static class Runtime extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {

        public Runtime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

        /** Whether this input takes the hand-written path (else DL4J's). */
        boolean fastPath(INDArray x) {
            DenseLayer lc = layerConf();
            return x != null && dataType == DataType.FLOAT && x.dataType() == DataType.FLOAT && x.rank() == 2
                    && x.size(1) == lc.getNIn() && (DenseArrays.dense(x) || DenseArrays.dense(x.transpose())) && maskArray == null
                    && lc.getActivationFn() instanceof ActivationIdentity && lc.hasBias() && !lc.hasLayerNorm()
                    && lc.getIDropout() == null && lc.getWeightNoise() == null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (!fastPath(input)) return super.activate(training, workspaceMgr);
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);                 // [nIn, nOut], 'f'
            float[] b = getParam(DefaultParamInitializer.BIAS_KEY).toFloatVector();
            int n = (int) input.size(0), nOut = b.length;
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{n, nOut}, 'c');
            fillRows(z, b, n);
            Sgemm.gemm(input, w, z, false, false, 1.0, 1.0);                          // z = x·W + (rows of b)
            return z;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (!fastPath(input) || epsilon.rank() != 2 || epsilon.size(0) != input.size(0) || epsilon.size(1) != layerConf().getNOut())
                return super.backpropGradient(epsilon, workspaceMgr);
            INDArray eps = DenseArrays.dense(epsilon.castTo(DataType.FLOAT), true);   // identity: delta = epsilon
            Gradient ret = new DefaultGradient();
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            biasGrad.assign(Nd4j.createFromArray(columnSums(eps)).reshape(biasGrad.shape()));
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);     // DL4J's keys and order: b, W
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray epsIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[]{input.size(0), w.size(0)}, 'c');
            Sgemm.gemm(eps, w, epsIn, false, true, 1.0, 0.0);                           // ε·Wᵀ
            INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);    // 'f' [nIn, nOut]
            Sgemm.gemm(input, eps, weightGrad, true, false, 1.0, 0.0);                  // xᵀ·ε
            ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
            weightNoiseParams.clear();
            return new Pair<>(ret, backpropDropOutIfPresent(epsIn));
        }

        /** Every row of the dense c-order [n, b.length] array z set to b (parallel over rows). */
        private static void fillRows(INDArray z, float[] b, int n) {
            if (!DenseArrays.dense(z)) throw new IllegalStateException("activations must be a fresh c-order array: " + z.shapeInfoToString());
            int m = b.length;
            FloatPointer z0 = new FloatPointer(z.data().addressPointer());
            ParallelLoops.forRange(n, (lo, hi) -> {
                FloatPointer p = new FloatPointer(z0);
                for (int r = lo; r < hi; r++) p.position((long) r * m).put(b, 0, m);
            });
        }

        /** Column sums of a dense c-order [n, m] float array, summed in double over rows in order (parallel over columns). */
        private static float[] columnSums(INDArray e) {
            int n = (int) e.size(0), m = (int) e.size(1);
            float[] out = new float[m];
            FloatPointer e0 = new FloatPointer(e.data().addressPointer());
            ParallelLoops.forRange(m, (lo, hi) -> {
                FloatPointer p = new FloatPointer(e0);
                float[] row = new float[hi - lo];
                double[] acc = new double[hi - lo];
                for (int r = 0; r < n; r++) {
                    p.position((long) r * m + lo).get(row, 0, hi - lo);
                    for (int j = 0; j < row.length; j++) acc[j] += row[j];
                }
                for (int j = 0; j < acc.length; j++) out[lo + j] = (float) acc[j];
            });
            return out;
        }
    }
}
