package jepa.accel.conv;

import jepa.accel.Backend;
import jepa.accel.LayerRuntimes;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's ConvolutionLayer, same parameters and maths, without the strided copies that made MeNet5 slow on CPU.
 * <p>
 * Why (DL4J 1.0.0-M2.1, helper-less CPU path, measured at 1088 images): libnd4j's loops over non-contiguous arrays
 * cost ~10× the contiguous ones. The stock forward pass writes im2col into a PERMUTED view of its
 * [B·oH·oW, C·kH·kW] patch matrix (600 ms for conv2's 85 MB); its backward pass computes the patch gradients with
 * {@code w2d.mmul(delta2d)}, whose result is copied by a strided assign (~300–800 ms vs a 40 ms gemm); and it hands
 * on strided pre-activations and epsilons, on which ReLU/BatchNorm ops ran ~30× slower.
 * <p>
 * On Linux x86-64 with AVX2 + FMA, float conv + ReLU layers with a multiple of 16 output channels run in
 * {@link NativeConv2d} (no patch matrix at all; bias, ReLU and ReLU's gradient inside the kernels; results
 * equal this class's Java path to float rounding, NativeConv2dTest). Otherwise float im2col/col2im run in Java
 * straight between c-order layouts (other types: libnd4j im2col into its natural layout + one rank-3 transpose); the gemms have the stock operands and shapes, the patch gradients come
 * from one gemm into a c-order result; pre-activation and epsilon are dense NCHW. im2col and col2im are
 * bit-identical to libnd4j's (same summation order), so results equal the stock layer's up to gemm rounding
 * (Conv2dTest, FastPathEquivalenceTest). With a CacheMode other than NONE the backward pass reuses
 * the forward's patch matrix (as the stock layer does). NCHW, dilation 1, no Same mode, no cuDNN/oneDNN helper;
 * anything else takes the stock code path.
 */
public class Conv2d extends ConvolutionLayer {

    /**
     * False when the layer's input is data (MeNet5's first convolution sees the frames): nothing reads the input
     * gradient then, so the backward pass skips its gemm and col2im (~2 % of a step) and hands back zeros.
     */
    private boolean inputGradient = true;

    /** For JSON deserialisation only. */
    public Conv2d() {}

    public Conv2d(ConvolutionLayer.Builder b) { super(b); }

    /** As above; inputGradient = false for a layer on the network's input (see the field). */
    public Conv2d(ConvolutionLayer.Builder b, boolean inputGradient) {
        super(b);
        this.inputGradient = inputGradient;
    }

    public boolean isInputGradient() { return inputGradient; }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        LayerValidation.assertNInNOutSet("Conv2d", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerRuntimes.wire(new Conv2dRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex, paramsView, initializeParams);
    }

    @Override
    public Conv2d clone() { return (Conv2d) super.clone(); }

}
