package jepa.accel.dense;

import jepa.accel.DenseArrays;
import jepa.accel.ParallelLoops;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/** The runtime layer: activate and backpropGradient differ from DL4J's in the average-pooling case above. */
public class AvgPool2dRuntime extends org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer {

    public AvgPool2dRuntime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

    /** Whether this input takes the Java path (else DL4J's). */
    boolean fastPath(INDArray x) {
        SubsamplingLayer lc = layerConf();
        int[] p = lc.getPadding(), d = lc.getDilation();
        return helper == null && x != null && x.rank() == 4 && lc.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.AVG   // not the inherited legacy SubsamplingLayer.PoolingType
                && lc.getCnn2dDataFormat() == CNN2DFormat.NCHW && convolutionMode == ConvolutionMode.Truncate
                && p[0] == 0 && p[1] == 0 && d[0] == 1 && d[1] == 1
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE)
                && x.size(2) >= lc.getKernelSize()[0] && x.size(3) >= lc.getKernelSize()[1];
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (input.rank() != 4)      // the stock message
            throw new DL4JInvalidInputException("Got rank " + input.rank() + " array as input to SubsamplingLayer with shape "
                    + Arrays.toString(input.shape()) + ". Expected rank 4 array with shape "
                    + layerConf().getCnn2dDataFormat().dimensionNames() + ". " + layerId());
        if (!fastPath(input)) return super.activate(training, workspaceMgr);
        // no dropout here: the stock layer skips it on subsampling layers
        INDArray in = DenseArrays.dense(input.castTo(dataType), true);
        AvgPool2d.Pool pool = pool(in);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{pool.n, pool.c, pool.oh, pool.ow}, 'c');
        INDArray target = DenseArrays.dense(out) ? out : Nd4j.createUninitialized(dataType, out.shape(), 'c');
        ParallelLoops.forRange(pool.n, (from, to) -> pool.forward(in, target, from, to));
        if (target != out) out.assign(target);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!fastPath(input)) return super.backpropGradient(epsilon, workspaceMgr);
        INDArray in = input.castTo(dataType);
        AvgPool2d.Pool pool = pool(in);
        long[] expected = {pool.n, pool.c, pool.oh, pool.ow};
        if (!Arrays.equals(expected, epsilon.shape()))
            throw new DL4JInvalidInputException("Epsilon shape " + Arrays.toString(epsilon.shape()) + " does not match the "
                    + "output shape " + Arrays.toString(expected) + " " + layerId());
        INDArray dy = DenseArrays.dense(epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType), true);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, in.shape(), 'c');
        INDArray target = DenseArrays.dense(dx) ? dx : Nd4j.createUninitialized(dataType, in.shape(), 'c');
        ParallelLoops.forRange(pool.n, (from, to) -> pool.backward(dy, target, from, to));
        if (target != dx) dx.assign(target);
        return new Pair<>(new DefaultGradient(), dx);   // no parameters
    }

    private AvgPool2d.Pool pool(INDArray in) {
        SubsamplingLayer lc = layerConf();
        int[] k = lc.getKernelSize(), s = lc.getStride();
        return new AvgPool2d.Pool((int) in.size(0), (int) in.size(1), (int) in.size(2), (int) in.size(3), k[0], k[1], s[0], s[1]);
    }
}
