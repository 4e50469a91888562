package jepa.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Collection;

/**
 * Nearest-neighbour upsampling ×s followed by a k×k convolution (stride 1, padding p = (k−1)/2, no bias): the
 * MeNet5Decoder's "Upsample → Conv2d" pairs, with the same parameter W [C_out, C_in, k, k] (PyTorch init through
 * {@link PytorchInit}'s ConvolutionLayer rule) and the same maths, computed without ever forming the upsampled image.
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
 * (UpsampledConvolutionTest).
 */
public class UpsampledConvolution extends ConvolutionLayer {
    @JsonProperty private int scale;

    /** For JSON deserialisation only. */
    public UpsampledConvolution() {}

    /** {@code b}: stride 1, padding (k−1)/2, square kernel (checked at instantiation). */
    public UpsampledConvolution(ConvolutionLayer.Builder b, int scale) {
        super(b);
        if (scale < 1) throw new jepa.config.ConfigError("upsampling scale must be >= 1, got " + scale);
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
        LayerValidation.assertNInNOutSet("UpsampledConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        int k = kernelSize[0];
        if (kernelSize[1] != k || stride[0] != 1 || stride[1] != 1 || padding[0] != (k - 1) / 2 || padding[1] != padding[0]
                || k % 2 != 1 || hasBias || dilation[0] != 1 || dilation[1] != 1)
            throw new jepa.config.ConfigError("UpsampledConvolution " + getLayerName() + ": needs an odd square kernel, stride 1, "
                    + "padding (k-1)/2, no bias, no dilation");
        return LayerRuntimes.wire(new Runtime(conf, networkDataType), initializer(), conf, listeners, layerIndex, paramsView,
                initializeParams);
    }

    @Override
    public UpsampledConvolution clone() { return (UpsampledConvolution) super.clone(); }

    /** Low-resolution offset of kernel tap {@code ky} for output phase {@code phase}: ⌊(phase + ky − p)/s⌋. */
    static int offset(int phase, int ky, int p, int s) { return Math.floorDiv(phase + ky - p, s); }

    /** The runtime layer: forward and backward at low resolution. */
    public static class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

        private int s() { return ((UpsampledConvolution) layerConf()).scale; }

        private int k() { return layerConf().getKernelSize()[0]; }

        private int p() { return layerConf().getPadding()[0]; }

        /** The low-resolution kernel size K' and its padding (symmetric: −⌊−p/s⌋ = ⌊(s−1+k−1−p)/s⌋ when p = (k−1)/2). */
        private int kLow() { return offset(s() - 1, k() - 1, p(), s()) - offset(0, 0, p(), s()) + 1; }

        private int padLow() { return -offset(0, 0, p(), s()); }

        /** W [oC, iC, k, k] → W' as the gemm operand [iC·K'·K', s²·oC] (rows (c_in, a, b), columns (φy, φx, c_out)). */
        private INDArray phaseKernel(INDArray w) {
            int oc = (int) w.size(0), ic = (int) w.size(1), k = k(), s = s(), p = p(), kl = kLow(), o0 = padLow();
            double[] src = w.dup('c').data().asDouble();
            double[] dst = new double[ic * kl * kl * s * s * oc];
            int cols = s * s * oc;
            for (int co = 0; co < oc; co++)
                for (int ci = 0; ci < ic; ci++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            double v = src[((co * ic + ci) * k + ky) * k + kx];
                            for (int fy = 0; fy < s; fy++) {
                                int a = offset(fy, ky, p, s) + o0;
                                for (int fx = 0; fx < s; fx++) {
                                    int b = offset(fx, kx, p, s) + o0;
                                    dst[((ci * kl + a) * kl + b) * cols + (fy * s + fx) * oc + co] += v;
                                }
                            }
                        }
            return Nd4j.createFromArray(dst).reshape('c', (long) ic * kl * kl, cols).castTo(w.dataType());
        }

        /** The adjoint of {@link #phaseKernel}: dW' [iC·K'·K', s²·oC] → dW [oC, iC, k, k] written into {@code out}. */
        private void foldKernelGradient(INDArray dwPhase, INDArray out) {
            int oc = (int) out.size(0), ic = (int) out.size(1), k = k(), s = s(), p = p(), kl = kLow(), o0 = padLow();
            double[] src = dwPhase.dup('c').data().asDouble();
            double[] dst = new double[oc * ic * k * k];
            int cols = s * s * oc;
            for (int co = 0; co < oc; co++)
                for (int ci = 0; ci < ic; ci++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            double g = 0;
                            for (int fy = 0; fy < s; fy++) {
                                int a = offset(fy, ky, p, s) + o0;
                                for (int fx = 0; fx < s; fx++) {
                                    int b = offset(fx, kx, p, s) + o0;
                                    g += src[((ci * kl + a) * kl + b) * cols + (fy * s + fx) * oc + co];
                                }
                            }
                            dst[((co * ic + ci) * k + ky) * k + kx] = g;
                        }
            out.assign(Nd4j.createFromArray(dst).reshape('c', oc, ic, k, k).castTo(out.dataType()));
        }

        /** Low-resolution patch matrix [N·H·W, iC·K'·K'] (c-order) of the input. */
        private INDArray patches(INDArray in) {
            long n = in.size(0), ic = in.size(1), h = in.size(2), w = in.size(3);
            int kl = kLow(), pad = padLow();
            INDArray patches = Nd4j.createUninitialized(in.dataType(), new long[]{n, h * w, ic * kl * kl}, 'c');
            ContiguousConvolution.Runtime.patches(in, patches, kl, kl, 1, 1, pad, pad, (int) h, (int) w);
            return patches.reshape('c', n * h * w, ic * kl * kl);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            validateInputRank();
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            INDArray in = input.castTo(weights.dataType());
            validateInputDepth(in.size(1));
            long n = in.size(0), h = in.size(2), w = in.size(3), oc = weights.size(0);
            int s = s();
            INDArray patches = patches(in);
            INDArray z2d = patches.mmul(phaseKernel(weights));                                   // [N·H·W, s²·oC], c-order
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(), new long[]{n, oc, h * s, w * s}, 'c');
            // depth-to-space: z[n, c, s·y + fy, s·x + fx] = z2d[(n, y, x), (fy, fx, c)]
            z.reshape('c', n, oc, h, s, w, s).assign(z2d.reshape('c', n, h, w, s, s, oc).permute(0, 5, 1, 3, 2, 4));
            return new Pair<>(z, forBackprop ? patches : null);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = preOutput(training, false, workspaceMgr).getFirst();
            return layerConf().getActivationFn().getActivation(z, training);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            if (epsilon.dataType() != dataType) epsilon = epsilon.castTo(dataType);
            long n = input.size(0), ic = input.size(1), h = input.size(2), w = input.size(3), oc = weights.size(0);
            int s = s(), kl = kLow(), pad = padLow();
            Pair<INDArray, INDArray> fwd = preOutput(true, true, workspaceMgr);
            INDArray delta = layerConf().getActivationFn().backprop(fwd.getFirst(), epsilon).getFirst();   // [N, oC, sH, sW]
            delta = delta.reshape('c', n, oc, h, s, w, s);                                       // read only: a copy is fine
            // space-to-depth of the output gradient: dZ [(n, y, x), (fy, fx, c)]
            INDArray dz = Nd4j.createUninitialized(weights.dataType(), new long[]{n * h * w, (long) s * s * oc}, 'c');
            dz.reshape('c', n, h, w, s, s, oc).assign(delta.permute(0, 2, 4, 3, 5, 1));
            INDArray patches = fwd.getSecond();
            INDArray dwPhase = patches.transpose().mmul(dz);                                      // [iC·K'·K', s²·oC]
            INDArray weightGradView = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            foldKernelGradient(dwPhase, weightGradView);
            INDArray epsCol = Nd4j.createUninitialized(weights.dataType(), new long[]{n * h * w, ic * kl * kl}, 'c');
            Sgemm.gemm(dz, phaseKernel(weights), epsCol, false, true, 1.0, 0.0);
            INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsCol.dataType(), new long[]{n, ic, h, w}, 'c');
            ContiguousConvolution.Runtime.col2im(epsCol, epsNext, kl, kl, 1, 1, pad, pad, (int) h, (int) w);
            Gradient ret = new DefaultGradient();
            ret.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
            weightNoiseParams.clear();
            return new Pair<>(ret, backpropDropOutIfPresent(epsNext));
        }
    }
}
