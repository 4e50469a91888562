package jepa.accel.conv;

import jepa.accel.DenseArrays;
import jepa.accel.ParallelLoops;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise ends of a float conv → ReLU layer, fused into one pass each (parallel over blocks of images).
 * The convolution's gemm works in the channel-major layout [C, B·P] (P = H·W; DL4J's f-order [B·P, C] result is the
 * same memory), the layers around it in NCHW [B, C, P]: both hold runs of P contiguous pixels, so converting
 * is a copy of runs, fused here with the bias and ReLU (forward) or ReLU's gradient (backward).
 * DL4J's path ran four ops with a strided copy for these (a permuted assign, a dup of the pre-activation, the ReLU
 * and its backprop on a permuted view). All arrays must be dense float (channel-major arrays c-order [C, B·P]).
 */
final class Conv2dKernels {
    private static final int BLOCK = 8;   // images per block: the block's buffers stay in L2

    private Conv2dKernels() {}

    /** pre (may be null) = cm + bias and act = ReLU(pre), both NCHW [B, C, P]; cm is channel-major [C, B·P]. */
    static void forward(INDArray cm, INDArray bias, INDArray pre, INDArray act) {
        int mb = (int) act.size(0), c = (int) act.size(1), p = (int) (act.length() / act.size(0) / c);
        check(cm, pre, act);
        float[] b = bias == null ? new float[c] : bias.toFloatVector();
        FloatPointer src = pointer(cm), dPre = pre == null ? null : pointer(pre), dAct = pointer(act);
        long bp = (long) mb * p;
        ParallelLoops.forRange(blocks(mb), (from, to) -> {
            float[] in = new float[BLOCK * p], z = new float[BLOCK * c * p], a = new float[BLOCK * c * p];
            FloatPointer s = new FloatPointer(src), dp = dPre == null ? null : new FloatPointer(dPre), da = new FloatPointer(dAct);
            for (int blk = from; blk < to; blk++) {
                int b0 = blk * BLOCK, nb = Math.min(BLOCK, mb - b0), run = nb * p;
                for (int ch = 0; ch < c; ch++) {
                    s.position(ch * bp + (long) b0 * p).get(in, 0, run);
                    float bc = b[ch];
                    for (int i = 0; i < nb; i++) {
                        int o = (i * c + ch) * p, q0 = i * p;
                        for (int q = 0; q < p; q++) {
                            float v = in[q0 + q] + bc;
                            z[o + q] = v;
                            a[o + q] = Math.max(v, 0f);   // NaN passes, as in libnd4j's relu (and C2 vectorises max, not ?:)
                        }
                    }
                }
                if (dp != null) dp.position((long) b0 * c * p).put(z, 0, nb * c * p);
                da.position((long) b0 * c * p).put(a, 0, nb * c * p);
            }
        });
    }

    /**
     * cm [C, B·P] (channel-major) = ReLU'(pre) ⊙ eps, where pre and eps are NCHW [B, C, P]; and the sum of each
     * channel's row (the bias gradient) → channelSums[C], in double, summed per block of images and then over the
     * blocks in order (the same for any thread count). A separate pass (a gemv) re-read cm for these: ~1.5 % of a step.
     */
    static void backward(INDArray pre, INDArray eps, INDArray cm, double[] channelSums) {
        int mb = (int) pre.size(0), c = (int) pre.size(1), p = (int) (pre.length() / pre.size(0) / c);
        check(cm, pre, eps);
        if (channelSums.length != c) throw new IllegalArgumentException("channelSums needs " + c + " entries, got " + channelSums.length);
        FloatPointer sPre = pointer(pre), sEps = pointer(eps), dCm = pointer(cm);
        long bp = (long) mb * p;
        double[] partial = new double[blocks(mb) * c];
        ParallelLoops.forRange(blocks(mb), (from, to) -> {
            float[] z = new float[BLOCK * c * p], e = new float[BLOCK * c * p], d = new float[BLOCK * p];
            FloatPointer sp = new FloatPointer(sPre), se = new FloatPointer(sEps), dc = new FloatPointer(dCm);
            for (int blk = from; blk < to; blk++) {
                int b0 = blk * BLOCK, nb = Math.min(BLOCK, mb - b0), len = nb * c * p;
                sp.position((long) b0 * c * p).get(z, 0, len);
                se.position((long) b0 * c * p).get(e, 0, len);
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < nb; i++) {
                        int o = (i * c + ch) * p, q0 = i * p;
                        for (int q = 0; q < p; q++) d[q0 + q] = reluGradient(z[o + q], e[o + q]);
                    }
                    partial[blk * c + ch] = sum(d, nb * p);
                    dc.position(ch * bp + (long) b0 * p).put(d, 0, nb * p);
                }
            }
        });
        java.util.Arrays.fill(channelSums, 0.0);
        for (int blk = 0; blk < blocks(mb); blk++)
            for (int ch = 0; ch < c; ch++) channelSums[ch] += partial[blk * c + ch];
    }

    /** d[0] + … + d[n−1] in double, four partial sums (one chain of dependent adds ran at a quarter of the speed). */
    private static double sum(float[] d, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int q = 0;
        for (; q + 3 < n; q += 4) {
            s0 += d[q];
            s1 += d[q + 1];
            s2 += d[q + 2];
            s3 += d[q + 3];
        }
        for (; q < n; q++) s0 += d[q];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * z > 0 ? e : 0 (libnd4j's relu_bp, NaN z gives 0) without a branch: the mask is all ones exactly when z's bits are
     * in (0, +Inf]. The branch mispredicts on half the elements and cost 4× this.
     */
    static float reluGradient(float z, float e) {
        int bits = Float.floatToRawIntBits(z);
        int mask = (~((bits - 1) | bits) >> 31) & ((bits - 0x7f800001) >> 31);
        return Float.intBitsToFloat(Float.floatToRawIntBits(e) & mask);
    }

    private static int blocks(int mb) { return (mb + BLOCK - 1) / BLOCK; }

    private static FloatPointer pointer(INDArray a) { return new FloatPointer(a.data().addressPointer()); }

    private static void check(INDArray cm, INDArray a, INDArray b) {
        for (INDArray x : new INDArray[]{a, b})
            if (x != null && (x.dataType() != DataType.FLOAT || !DenseArrays.dense(x)))
                throw new IllegalArgumentException("Conv2dKernels needs dense c-order float arrays: " + x.shapeInfoToString());
        if (cm.dataType() != DataType.FLOAT || cm.offset() != 0 || cm.data().offset() != 0 || cm.length() != b.length())
            throw new IllegalArgumentException("Conv2dKernels: channel-major array " + cm.shapeInfoToString() + " does not match " + b.shapeInfoToString());
    }
}
