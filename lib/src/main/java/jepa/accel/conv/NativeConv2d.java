package jepa.accel.conv;

import jepa.accel.DenseArrays;
import jepa.accel.Backend;
import jepa.accel.NativeLibrary;
import jepa.accel.ParallelLoops;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.util.Arrays;

import static jepa.accel.NativeLibrary.address;
import static jepa.accel.NativeLibrary.shape;

/**
 * The float convolution of {@link Conv2d} (forward, weight gradient, input gradient) as native
 * kernels that never write the patch matrix: rows of patches are gathered into a cache-sized buffer and multiplied by
 * an AVX2/FMA register tile in the same pass (src/main/c/jepa_conv.c, in {@link NativeLibrary}).
 * <p>
 * Why: with 64 output channels, im2col + OpenBLAS ran MeNet5's convolutions at about half of this CPU's peak, and no
 * BLAS or Java kernel on JDK 17 did better (README, Speed). The kernels run on the project's threads
 * ({@link ParallelLoops}, disjoint ranges of images), and every output element is summed in one fixed order, so the
 * results do not depend on the thread count. They differ from the im2col path by float rounding only
 * (NativeConv2dTest).
 * <p>
 * Used when {@link NativeLibrary} is available, for float convolutions whose output channels are a multiple of 16.
 */
final class NativeConv2d {
    private static final int WEIGHT_CHUNKS = 8;     // fixed partial sums of the weight gradient: the same for any thread count

    private NativeConv2d() {}

    /** Whether a float convolution with these weights [oC, C, kH, kW] runs natively: the native backend, oC a multiple of 16. */
    static boolean applies(INDArray weights) {
        return Backend.current() == Backend.NATIVE && weights.dataType() == DataType.FLOAT && weights.size(0) % 16 == 0;
    }

    /** The geometry of one convolution layer on one batch. */
    record Geometry(int mb, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int k16() { return (c * kh * kw + 15) / 16 * 16; }
    }

    /**
     * pre (may be null) = the convolution of x [B, C, H, W] with weights [oC, C, kH, kW] plus bias (may be null) and
     * act = ReLU(pre) as Java's Math.max(v, 0): both NCHW [B, oC, oH, oW], fresh. The backward kernels need only act
     * (act > 0 exactly where pre > 0).
     */
    static void forward(INDArray x, INDArray weights, INDArray bias, INDArray pre, INDArray act, Geometry g) {
        shape(x, "input", g.mb, g.c, g.h, g.w);
        shape(weights, "weights", g.oc, g.c, g.kh, g.kw);
        for (INDArray a : new INDArray[]{pre, act}) if (a != null) shape(a, "output", g.mb, g.oc, g.oh, g.ow);
        if (bias != null && bias.length() != g.oc) throw new IllegalArgumentException("bias must have " + g.oc + " entries, got " + bias.length());
        INDArray in = DenseArrays.dense(x, true), wc = weights.dup('c'), bc = bias == null ? null : bias.dup('c');
        long px = address(in, "input"), pw = address(wc, "weights"), pb = bc == null ? 0 : address(bc, "bias");
        long pp = pre == null ? 0 : address(pre, "pre-activation"), pa = address(act, "activation");
        ParallelLoops.forRange(g.mb, (b0, b1) -> forward(px, pw, pb, pp, pa, g.oc, b0, b1, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.oh, g.ow));
        Reference.reachabilityFence(in);                          // the native code read their memory by address
        Reference.reachabilityFence(wc);
        Reference.reachabilityFence(bc);
    }

    /**
     * gradient [oC, C, kH, kW] (any layout, overwritten) = the weight gradient from x and the output gradient
     * ReLU'(act) ⊙ eps (both NCHW [B, oC, oH, oW]); biasGradient[oC] = the sum of the output gradients, in double.
     */
    static void weightGradient(INDArray x, INDArray act, INDArray eps, INDArray gradient, double[] biasGradient, Geometry g) {
        shape(x, "input", g.mb, g.c, g.h, g.w);
        shape(act, "activation", g.mb, g.oc, g.oh, g.ow);
        shape(eps, "output gradient", g.mb, g.oc, g.oh, g.ow);
        shape(gradient, "weight gradient", g.oc, g.c, g.kh, g.kw);
        if (biasGradient.length != g.oc) throw new IllegalArgumentException("bias gradient needs " + g.oc + " entries, got " + biasGradient.length);
        INDArray in = DenseArrays.dense(x, true), a = DenseArrays.dense(act, true), e = DenseArrays.dense(eps, true);
        long px = address(in, "input"), pa = address(a, "activation"), pe = address(e, "output gradient");
        int chunks = Math.min(WEIGHT_CHUNKS, g.mb), k = g.c * g.kh * g.kw, k16 = g.k16(), len = g.oc * k16;
        float[] sum = new float[g.oc * k];
        double[] bias = new double[chunks * g.oc];
        try (FloatPointer partial = new FloatPointer((long) chunks * len);
             DoublePointer partialBias = new DoublePointer((long) chunks * g.oc)) {
            long pp = partial.address(), pq = partialBias.address();
            ParallelLoops.forRange(chunks, (c0, c1) -> {
                for (int ch = c0; ch < c1; ch++)
                    weightGradient(px, pa, pe, pp + 4L * ch * len, pq + 8L * ch * g.oc, g.oc, g.mb * ch / chunks, g.mb * (ch + 1) / chunks,
                            g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.oh, g.ow);
            });
            float[] all = new float[chunks * len];
            partial.get(all);
            partialBias.get(bias);
            for (int ch = 0; ch < chunks; ch++)                   // in chunk order: the same sums on any thread count
                for (int o = 0; o < g.oc; o++)
                    for (int q = 0; q < k; q++) sum[o * k + q] += all[ch * len + o * k16 + q];
        }
        Reference.reachabilityFence(in);
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(e);
        Arrays.fill(biasGradient, 0.0);
        for (int ch = 0; ch < chunks; ch++)
            for (int o = 0; o < g.oc; o++) biasGradient[o] += bias[ch * g.oc + o];
        gradient.assign(Nd4j.create(sum, new long[]{g.oc, g.c, g.kh, g.kw}, 'c'));
    }

    /** eps [B, C, H, W] (fresh c-order) = the input gradient from ReLU'(act) ⊙ outputGradient (both NCHW) and weights. */
    static void inputGradient(INDArray act, INDArray outputGradient, INDArray weights, INDArray eps, Geometry g) {
        shape(act, "activation", g.mb, g.oc, g.oh, g.ow);
        shape(outputGradient, "output gradient", g.mb, g.oc, g.oh, g.ow);
        shape(weights, "weights", g.oc, g.c, g.kh, g.kw);
        shape(eps, "input gradient", g.mb, g.c, g.h, g.w);
        INDArray a = DenseArrays.dense(act, true), d = DenseArrays.dense(outputGradient, true), wc = weights.dup('c');
        long pa = address(a, "activation"), pd = address(d, "output gradient"), pw = address(wc, "weights"), pe = address(eps, "input gradient");
        ParallelLoops.forRange(g.mb, (b0, b1) -> inputGradient(pa, pd, pw, pe, g.oc, b0, b1, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.oh, g.ow));
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(d);
        Reference.reachabilityFence(wc);
    }

    private static native void forward(long x, long weights, long bias, long pre, long act, int oc, int b0, int b1,
                                       int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow);

    private static native void weightGradient(long x, long act, long eps, long gradient, long biasGradient, int oc, int b0, int b1,
                                              int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow);

    private static native void inputGradient(long act, long eps, long weights, long dx, int oc, int b0, int b1,
                                             int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow);
}
