package jepa.accel.conv;

import jepa.accel.Sgemm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The runtime layer: forward and backward at low resolution. */
public class UpsampledConv2dRuntime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
    public UpsampledConv2dRuntime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

    private int s() { return ((UpsampledConv2d) layerConf()).scale(); }

    private int k() { return layerConf().getKernelSize()[0]; }

    private int p() { return layerConf().getPadding()[0]; }

    /** The low-resolution kernel size K' and its padding (symmetric: −⌊−p/s⌋ = ⌊(s−1+k−1−p)/s⌋ when p = (k−1)/2). */
    private int kLow() { return UpsampledConv2d.offset(s() - 1, k() - 1, p(), s()) - UpsampledConv2d.offset(0, 0, p(), s()) + 1; }

    private int padLow() { return -UpsampledConv2d.offset(0, 0, p(), s()); }

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
                            int a = UpsampledConv2d.offset(fy, ky, p, s) + o0;
                            for (int fx = 0; fx < s; fx++) {
                                int b = UpsampledConv2d.offset(fx, kx, p, s) + o0;
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
                            int a = UpsampledConv2d.offset(fy, ky, p, s) + o0;
                            for (int fx = 0; fx < s; fx++) {
                                int b = UpsampledConv2d.offset(fx, kx, p, s) + o0;
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
        Conv2dRuntime.patches(in, patches, kl, kl, 1, 1, pad, pad, (int) h, (int) w);
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
        Conv2dRuntime.col2im(epsCol, epsNext, kl, kl, 1, 1, pad, pad, (int) h, (int) w);
        Gradient ret = new DefaultGradient();
        ret.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        weightNoiseParams.clear();
        return new Pair<>(ret, backpropDropOutIfPresent(epsNext));
    }
}
