package jepa.accel.dense;

import jepa.accel.DenseArrays;
import jepa.accel.ParallelLoops;
import jepa.accel.Sgemm;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The runtime layer: activate and backpropGradient differ from DL4J's on the fast path above. */
public class LinearRuntime extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {

    public LinearRuntime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

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
