package jepa.accel.conv;

import jepa.accel.DenseArrays;
import jepa.accel.Sgemm;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/** The runtime layer: only preOutput differs from DL4J's. */
public class Conv2dRuntime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

    /** The native forward's output and the input it was computed from (identity), for the backward pass. */
    private INDArray activation, activationOf;

    public Conv2dRuntime(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

    @Override
    public void clear() {
        super.clear();
        activation = activationOf = null;    // an inference output outside workspaces would otherwise stay reachable
    }

    /**
     * Frees a temporary at once when it lives outside any workspace (e.g. inference through feedForward): left to
     * the garbage collector, the patch matrices (~300 MB per MeNet5 pass at w = 2) grew the RSS by GBs between GCs.
     */
    private static void release(INDArray a) {
        if (a != null && a.closeable()) a.close();
    }

    /** float, plain ReLU, DL4J's layout: the gemm into a channel-major result, then bias + ReLU in one pass ({@link Conv2dKernels}). */
    private boolean fused(INDArray weights) {
        return weights.dataType() == DataType.FLOAT && !stockOnly()
                && layerConf().getActivationFn() instanceof ActivationReLU r
                && r.getMax() == null && r.getNegativeSlope() == null && (r.getThreshold() == null || r.getThreshold() == 0.0);
    }

    private boolean stockOnly() {
        ConvolutionLayer lc = (ConvolutionLayer) layerConf();
        return helper != null || lc.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || lc.getDilation()[0] != 1 || lc.getDilation()[1] != 1 || convolutionMode == ConvolutionMode.Same;
    }

    private boolean caching(boolean training, LayerWorkspaceMgr ws) {
        return training && cacheMode != null && cacheMode != CacheMode.NONE
                && ws.hasConfiguration(ArrayType.FF_CACHE) && ws.isWorkspaceOpen(ArrayType.FF_CACHE);
    }

    private INDArray uninitialized(boolean cache, LayerWorkspaceMgr ws, DataType type, long... shape) {
        if (!cache) return Nd4j.createUninitialized(type, shape, 'c');
        try (MemoryWorkspace w = ws.notifyScopeBorrowed(ArrayType.FF_CACHE)) {
            return Nd4j.createUninitialized(type, shape, 'c');
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        if (input == null || !fused(weights)) return super.activate(training, workspaceMgr);
        if (cacheMode == null) cacheMode = CacheMode.NONE;
        applyDropOutIfNecessary(training, workspaceMgr);
        validateInputRank();
        INDArray in = input.castTo(dataType);
        validateInputDepth(in.size(1));
        ConvolutionLayer lc = (ConvolutionLayer) layerConf();
        INDArray bias = lc.hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
        long mb = in.size(0), oc = weights.size(0), ic = weights.size(1), kh = weights.size(2), kw = weights.size(3);
        int[] s = lc.getStride(), pad = lc.getPadding();
        int[] out = ConvolutionUtils.getOutputSize(in, lc.getKernelSize(), s, pad, convolutionMode, lc.getDilation(), CNN2DFormat.NCHW);
        long oh = out[0], ow = out[1], p = oh * ow, kk = ic * kh * kw;
        INDArray act = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{mb, oc, oh, ow}, 'c');
        if (NativeConv2d.applies(weights)) {             // no patch matrix; backprop reads ReLU's gradient from act
            NativeConv2d.forward(in, weights, bias, null, act, geometry(in, weights, oh, ow));
            activation = act;
            activationOf = input;
            preOutput = null;
            i2d = null;
            return act;
        }
        activation = activationOf = null;
        boolean cache = caching(training, workspaceMgr);
        INDArray pre = cache ? uninitialized(true, workspaceMgr, DataType.FLOAT, mb, oc, oh, ow) : null;
        INDArray patches = uninitialized(cache, workspaceMgr, DataType.FLOAT, mb, p, kk);
        patches(in, patches, (int) kh, (int) kw, s[0], s[1], pad[0], pad[1], (int) oh, (int) ow);
        INDArray im2col2d = patches.reshape('c', mb * p, kk);
        // [B·P, kk]·[kk, oC] into an f-order result = channel-major [oC, B·P]
        INDArray cm = Nd4j.createUninitialized(DataType.FLOAT, new long[]{mb * p, oc}, 'f');
        Sgemm.gemm(im2col2d, weights.reshape('c', oc, kk), cm, false, true, 1.0, 0.0);
        Conv2dKernels.forward(cm, bias, pre, act);
        if (cache) {
            preOutput = pre;
            i2d = im2col2d;
        } else {
            release(patches);
        }
        release(cm);
        return act;
    }

    private NativeConv2d.Geometry geometry(INDArray in, INDArray weights, long oh, long ow) {
        ConvolutionLayer lc = (ConvolutionLayer) layerConf();
        int[] s = lc.getStride(), pad = lc.getPadding();
        return new NativeConv2d.Geometry((int) in.size(0), (int) in.size(1), (int) in.size(2), (int) in.size(3), (int) weights.size(0),
                (int) weights.size(2), (int) weights.size(3), s[0], s[1], pad[0], pad[1], (int) oh, (int) ow);
    }

    /**
     * For backprop on the native path: the forward's activation (act > 0 exactly where the pre-activation is), the
     * array the next layer holds as its input until its own backprop; computed again if the input changed since.
     */
    private INDArray nativeActivation(INDArray weights, long oh, long ow, LayerWorkspaceMgr workspaceMgr) {
        long mb = input.size(0), oc = weights.size(0);
        if (activation != null && activationOf == input && Arrays.equals(activation.shape(), new long[]{mb, oc, oh, ow})) return activation;
        INDArray in = input.castTo(DataType.FLOAT);
        INDArray bias = ((ConvolutionLayer) layerConf()).hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr) : null;
        INDArray act = Nd4j.createUninitialized(DataType.FLOAT, new long[]{mb, oc, oh, ow}, 'c');
        NativeConv2d.forward(in, weights, bias, null, act, geometry(in, weights, oh, ow));
        return act;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        ConvolutionLayer lc = (ConvolutionLayer) layerConf();
        if (stockOnly()) return super.preOutput(training, forBackprop, workspaceMgr);
        if (forBackprop && preOutput != null && i2d != null) return new Pair<>(preOutput, i2d);   // as DL4J's

        assertInputSet(false);
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        validateInputRank();
        INDArray in = input.castTo(dataType);
        validateInputDepth(in.size(1));
        long mb = in.size(0), oc = weights.size(0), ic = weights.size(1), kh = weights.size(2), kw = weights.size(3);
        int[] k = lc.getKernelSize(), s = lc.getStride(), pad = lc.getPadding();
        int[] out = ConvolutionUtils.getOutputSize(in, k, s, pad, convolutionMode, lc.getDilation(), CNN2DFormat.NCHW);
        long oh = out[0], ow = out[1], p = oh * ow, kk = ic * kh * kw;

        boolean cache = caching(training, workspaceMgr);
        INDArray patches = uninitialized(cache, workspaceMgr, weights.dataType(), mb, p, kk);   // kept for backprop when caching
        patches(in.castTo(weights.dataType()), patches, (int) kh, (int) kw, s[0], s[1], pad[0], pad[1], (int) oh, (int) ow);
        INDArray im2col2d = patches.reshape('c', mb * p, kk);

        // DL4J's gemm: [B·oH·oW, C·kH·kW] x [C·kH·kW, oC] (f-order result), bias added per row
        INDArray reshapedW = weights.permute(3, 2, 1, 0).reshape('f', kw * kh * ic, oc);
        INDArray z2d = Nd4j.createUninitialized(weights.dataType(), new long[]{mb * p, oc}, 'f');
        im2col2d.mmuli(reshapedW, z2d);
        if (lc.hasBias()) z2d.addiRowVector(bias);
        // rows are (b, y, x) with x fastest: view as [oW, oH, B, oC] (f) -> NCHW, copied c-order
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(), new long[]{mb, oc, oh, ow}, 'c');
        z.assign(z2d.reshape('f', ow, oh, mb, oc).permute(2, 3, 1, 0));
        if (cache) i2d = im2col2d;
        return new Pair<>(z, forBackprop ? im2col2d : null);
    }

    /**
     * DL4J's patch matrix: out [B, oH·oW, C·kH·kW] (c-order, fresh) ← im2col of x [B, C, H, W], zero padding.
     * float: {@link PatchTables} (a gather per image, parallel over images), ~3× faster than libnd4j's;
     * other types: libnd4j's im2col into its natural layout [B, C, kH, kW, oH, oW] + one rank-3 transpose.
     */
    static void patches(INDArray x, INDArray out, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        if (x.dataType() != DataType.FLOAT) {
            long mb = x.size(0), ic = x.size(1), kk = ic * kh * kw;
            INDArray col = Nd4j.createUninitialized(x.dataType(), new long[]{mb, ic, kh, kw, oh, ow}, 'c');
            Convolution.im2col(x, kh, kw, sh, sw, ph, pw, 1, 1, false, col);
            out.assign(col.reshape('c', mb, kk, (long) oh * ow).permute(0, 2, 1));
            return;
        }
        if (!DenseArrays.dense(x)) x = x.dup('c');
        if (!DenseArrays.dense(out)) throw new IllegalArgumentException("patch matrix must be a fresh c-order array");
        PatchTables.of((int) x.size(1), (int) x.size(2), (int) x.size(3), kh, kw, sh, sw, ph, pw, oh, ow).im2col(x, out, (int) x.size(0));
    }

    /**
     * The adjoint of {@link #patches}: out [B, C, H, W] (c-order, fresh) = Σ of the patch values cols
     * [B·oH·oW, C·kH·kW] (c-order) at their pixels. float: {@link PatchTables}, summing in libnd4j's col2im order,
     * so the result is bit-identical; other types: libnd4j.
     */
    static void col2im(INDArray cols, INDArray out, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int mb = (int) out.size(0), c = (int) out.size(1), h = (int) out.size(2), w = (int) out.size(3);
        if (cols.dataType() != DataType.FLOAT) {
            INDArray col6d = cols.reshape('c', mb, oh, ow, c, kh, kw).permute(0, 3, 4, 5, 1, 2);   // [B, C, kH, kW, oH, oW]
            Convolution.col2im(col6d, out, sh, sw, ph, pw, h, w, 1, 1);
            return;
        }
        if (!DenseArrays.dense(cols)) cols = cols.dup('c');
        if (!DenseArrays.dense(out)) throw new IllegalArgumentException("col2im output must be a fresh c-order array: " + out.shapeInfoToString()
                + " offset " + out.offset() + " data offset " + out.data().offset() + " data length " + out.data().length());
        PatchTables.of(c, h, w, kh, kw, sh, sw, ph, pw, oh, ow).col2im(cols, out, mb);
    }


    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        ConvolutionLayer lc = (ConvolutionLayer) layerConf();
        if (stockOnly()) return super.backpropGradient(epsilon, workspaceMgr);

        assertInputSet(true);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        if (epsilon.dataType() != dataType) epsilon = epsilon.castTo(dataType);
        long mb = input.size(0), inH = input.size(2), inW = input.size(3);
        long oc = weights.size(0), ic = weights.size(1), kh = weights.size(2), kw = weights.size(3);
        int[] s = lc.getStride(), pad = lc.getPadding();
        INDArray biasGradView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        INDArray weightGradView = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);     // c-order [oC, C, kH, kW]

        int[] out = ConvolutionUtils.getOutputSize(input, lc.getKernelSize(), s, pad, convolutionMode, lc.getDilation(), CNN2DFormat.NCHW);
        boolean inputGradient = ((Conv2d) lc).isInputGradient();
        INDArray epsNext, delta2d = null;                                                     // delta2d: [oC, B·oH·oW]
        double[] biasGradient = null;                                                         // from the ReLU pass when fused
        if (fused(weights) && NativeConv2d.applies(weights)) {
            // ReLU's gradient read from the activation inside the kernels: no patch matrix, no delta array
            INDArray act = nativeActivation(weights, out[0], out[1], workspaceMgr), in = input.castTo(DataType.FLOAT), e = DenseArrays.dense(epsilon, true);
            NativeConv2d.Geometry g = geometry(in, weights, out[0], out[1]);
            biasGradient = new double[(int) oc];
            NativeConv2d.weightGradient(in, act, e, weightGradView, biasGradient, g);
            if (inputGradient) {
                epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[]{mb, ic, inH, inW}, 'c');
                NativeConv2d.inputGradient(act, e, weights, epsNext, g);
            } else {
                epsNext = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[]{mb, ic, inH, inW}, 'c');
            }
            if (act != activation) release(act);                                              // computed for this call
        } else {
            Pair<INDArray, INDArray> p = preOutput4d(true, true, workspaceMgr);
            long oh = p.getFirst().size(2), ow = p.getFirst().size(3), n = mb * oh * ow;
            INDArray im2col2d = p.getSecond();                                                // [B·oH·oW, C·kH·kW]
            INDArray weightGradView2df = Shape.newShapeNoCopy(weightGradView, new long[]{oc, ic * kh * kw}, false).transpose();
            if (fused(weights) && DenseArrays.dense(p.getFirst())) {
                delta2d = Nd4j.createUninitialized(DataType.FLOAT, new long[]{oc, n}, 'c');
                biasGradient = new double[(int) oc];
                Conv2dKernels.backward(p.getFirst(), DenseArrays.dense(epsilon, true), delta2d, biasGradient);
            } else {
                INDArray delta = lc.getActivationFn().backprop(p.getFirst(), epsilon).getFirst(); // [B, oC, oH, oW]
                delta2d = delta.permute(1, 0, 2, 3).reshape('c', oc, n);
            }
            // weight gradient: the stock layer's gemm (same operands)
            Sgemm.gemm(im2col2d, delta2d, weightGradView2df, true, true, 1.0, 0.0);
            if (inputGradient) {
                // patch gradients [B·oH·oW, C·kH·kW] = delta2dᵀ · W2d by one gemm straight into a c-order result: DL4J's
                // w2d.mmul(delta2d) computes the same product and then copies it with a slow strided assign (~7× the gemm)
                INDArray w2d = weights.reshape('c', oc, ic * kh * kw);
                INDArray epsCol = Nd4j.createUninitialized(weights.dataType(), new long[]{n, ic * kh * kw}, 'c');
                Sgemm.gemm(delta2d, w2d, epsCol, true, false, 1.0, 0.0);
                // c-order NCHW epsilon for the layer below (DL4J hands on a permuted view, slow for BatchNorm's ops)
                epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsCol.dataType(), new long[]{mb, ic, inH, inW}, 'c');
                col2im(epsCol, epsNext, (int) kh, (int) kw, s[0], s[1], pad[0], pad[1], (int) oh, (int) ow);
                release(epsCol);
            } else {
                epsNext = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, weights.dataType(), new long[]{mb, ic, inH, inW}, 'c');
            }
        }

        Gradient ret = new DefaultGradient();
        if (lc.hasBias()) {
            if (biasGradient != null) {
                biasGradView.assign(Nd4j.createFromArray(biasGradient).castTo(biasGradView.dataType()).reshape(biasGradView.shape()));
            } else {                                                                          // DL4J's row sum
                biasGradView.assign(delta2d.sum(1).reshape(biasGradView.shape()));
            }
            ret.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        if (delta2d != null) release(delta2d);
        ret.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        weightNoiseParams.clear();
        return new Pair<>(ret, backpropDropOutIfPresent(epsNext));
    }
}
