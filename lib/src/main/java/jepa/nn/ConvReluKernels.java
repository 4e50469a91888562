package jepa.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise ends of a float conv → ReLU layer, fused into one pass each (parallel over images):
 * forward, gemm rows [B·P, C] (one row per image and output pixel) + bias → pre-activation and ReLU in NCHW;
 * backward, ReLU's gradient from NCHW back to rows [B·P, C] for the gemms, and the bias gradient.
 * DL4J's path ran four ops with a strided copy for these (a permuted assign, a dup of the pre-activation, the ReLU
 * and its backprop on a permuted view). All arrays must be dense c-order float.
 */
final class ConvReluKernels {
    private ConvReluKernels() {}

    /** pre (may be null) = rows + bias and act = ReLU(pre), both [B, C, P] (NCHW with P = H·W); rows is [B·P, C]. */
    static void forward(INDArray rows, INDArray bias, INDArray pre, INDArray act) {
        int mb = (int) act.size(0), c = (int) act.size(1), p = (int) (act.length() / act.size(0) / c);
        check(rows, pre, act, bias);
        float[] b = bias == null ? new float[c] : bias.toFloatVector();
        FloatPointer src = pointer(rows), dPre = pre == null ? null : pointer(pre), dAct = pointer(act);
        int per = p * c;
        ParallelLoops.forRange(mb, (from, to) -> {
            float[] r = new float[per], z = new float[per], a = new float[per];
            FloatPointer s = new FloatPointer(src), dp = dPre == null ? null : new FloatPointer(dPre), da = new FloatPointer(dAct);
            for (int i = from; i < to; i++) {
                s.position((long) i * per).get(r, 0, per);
                for (int ch = 0; ch < c; ch++) {
                    float bc = b[ch];
                    for (int q = 0, o = ch * p; q < p; q++, o++) {
                        float v = r[q * c + ch] + bc;
                        z[o] = v;
                        a[o] = v < 0f ? 0f : v;   // NaN passes, as in libnd4j
                    }
                }
                if (dp != null) dp.position((long) i * per).put(z, 0, per);
                da.position((long) i * per).put(a, 0, per);
            }
        });
    }

    /**
     * rows [B·P, C] = ReLU'(pre) ⊙ eps (pre, eps [B, C, P] NCHW); returns the bias gradient Σ rows over B·P,
     * summed per image in double and then over images in order (independent of the thread count).
     */
    static float[] backward(INDArray pre, INDArray eps, INDArray rows) {
        int mb = (int) pre.size(0), c = (int) pre.size(1), p = (int) (pre.length() / pre.size(0) / c);
        check(rows, pre, eps, null);
        FloatPointer sPre = pointer(pre), sEps = pointer(eps), dRows = pointer(rows);
        int per = p * c;
        double[] perImage = new double[mb * c];
        ParallelLoops.forRange(mb, (from, to) -> {
            float[] z = new float[per], e = new float[per], r = new float[per];
            FloatPointer sp = new FloatPointer(sPre), se = new FloatPointer(sEps), dr = new FloatPointer(dRows);
            for (int i = from; i < to; i++) {
                sp.position((long) i * per).get(z, 0, per);
                se.position((long) i * per).get(e, 0, per);
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int q = 0, o = ch * p; q < p; q++, o++) {
                        float d = z[o] > 0f ? e[o] : 0f;        // libnd4j's relu_bp
                        r[q * c + ch] = d;
                        sum += d;
                    }
                    perImage[i * c + ch] = sum;
                }
                dr.position((long) i * per).put(r, 0, per);
            }
        });
        float[] bias = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < mb; i++) s += perImage[i * c + ch];
            bias[ch] = (float) s;
        }
        return bias;
    }

    private static FloatPointer pointer(INDArray a) { return new FloatPointer(a.data().addressPointer()); }

    private static void check(INDArray rows, INDArray a, INDArray b, INDArray bias) {
        for (INDArray x : new INDArray[]{rows, a, b})
            if (x != null && (x.dataType() != DataType.FLOAT || !dense(x)))
                throw new IllegalArgumentException("ConvReluKernels needs dense c-order float arrays: " + x.shapeInfoToString());
        if (rows.length() != b.length() || (a != null && a.length() != b.length()))
            throw new IllegalArgumentException("ConvReluKernels: lengths differ " + rows.length() + " / " + b.length());
        if (bias != null && bias.length() != b.size(1))
            throw new IllegalArgumentException("ConvReluKernels: bias length " + bias.length() + " != channels " + b.size(1));
    }

    /** Dense c-order from the start of its buffer (workspace buffers may be longer than the array). */
    static boolean dense(INDArray a) {
        if (a.offset() != 0 || a.data().offset() != 0 || a.data().length() < a.length()) return false;
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) return false;
            expected *= a.size(d);
        }
        return true;
    }
}
