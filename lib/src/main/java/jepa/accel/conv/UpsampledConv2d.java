package jepa.accel.conv;

import jepa.accel.LayerRuntimes;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Collection;

/**
 * Nearest-neighbour upsampling ×s followed by a k×k convolution (stride 1, padding p = (k−1)/2, no bias): the
 * MeNet5Decoder's "Upsample → Conv2d" pairs, with the same parameter W [C_out, C_in, k, k] (PyTorch init through
 * jepa.nn.PytorchInit's ConvolutionLayer rule) and the same maths, computed without ever forming the upsampled image.
 * <p>
 * Why: output pixel (s·i + φ) only sees upsampled pixels whose low-resolution index is i + ⌊(φ + k_y − p)/s⌋, so each
 * of the s² output phases is a small K'×K' convolution (K' = 3 for k5/s3 and k3/s2) of the LOW-resolution input with
 * a kernel that sums the taps of W falling on the same low-resolution pixel: W'[(φ_y, φ_x, c_out), c_in, a, b].
 * One im2col + gemm at low resolution then gives all phases (s²·C_out output columns), interleaved into the
 * [N, C_out, s·H, s·W] output (depth-to-space). Zero padding maps exactly: an upsampled index is outside [0, sH) iff
 * its low-resolution index is outside [0, H). For the decoder's last conv (16w → C, 54×54) the stock im2col matrix
 * was B·17·2916 × 400w floats (5 GB at B = 64, w = 1) and the step took minutes; here it is 9× smaller and the
 * gemms ~3× cheaper. Gradients: the stock conv backward at low resolution (col2im of the patch gradients), and
 * dW = the adjoint of the tap summation. Equal to Upsampling2D + ConvolutionLayer up to float rounding
 * (UpsampledConv2dTest).
 */
public class UpsampledConv2d extends ConvolutionLayer {
    @JsonProperty private int scale;

    /** For JSON deserialisation only. */
    public UpsampledConv2d() {}

    /** {@code b}: stride 1, padding (k−1)/2, square kernel (checked at instantiation). */
    public UpsampledConv2d(ConvolutionLayer.Builder b, int scale) {
        super(b);
        if (scale < 1) throw new jepa.settings.ConfigError("upsampling scale must be >= 1, got " + scale);
        this.scale = scale;
    }

    public int scale() { return scale; }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(c.getHeight() * scale, c.getWidth() * scale, getNOut());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("UpsampledConv2d", getLayerName(), layerIndex, getNIn(), getNOut());
        int k = kernelSize[0];
        if (kernelSize[1] != k || stride[0] != 1 || stride[1] != 1 || padding[0] != (k - 1) / 2 || padding[1] != padding[0]
                || k % 2 != 1 || hasBias || dilation[0] != 1 || dilation[1] != 1)
            throw new jepa.settings.ConfigError("UpsampledConv2d " + getLayerName() + ": needs an odd square kernel, stride 1, "
                    + "padding (k-1)/2, no bias, no dilation");
        return LayerRuntimes.wire(new UpsampledConv2dRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex, paramsView,
                initializeParams);
    }

    @Override
    public UpsampledConv2d clone() { return (UpsampledConv2d) super.clone(); }

    /** Low-resolution offset of kernel tap {@code ky} for output phase {@code phase}: ⌊(phase + ky − p)/s⌋. */
    static int offset(int phase, int ky, int p, int s) { return Math.floorDiv(phase + ky - p, s); }

}
