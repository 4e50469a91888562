package jepa.method;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between dense c-order FLOAT/DOUBLE ND4J arrays and Java double[] for the hand-written loss runtimes
 * (Java loops on the host copy, BLAS on the native one); FLOAT goes through a reusable float[] staging array.
 */
final class HostCopy {
    private float[] staging = new float[0];

    /** a itself when it is dense c-order from its buffer's first element, else a c-order copy. */
    static INDArray dense(INDArray a) {
        boolean dense = a.ordering() == 'c' && a.offset() == 0 && a.data().offset() == 0 && a.data().length() >= a.length();
        for (int i = a.rank() - 1, expected = 1; dense && i >= 0; expected *= (int) a.size(i), i--)
            dense = a.size(i) == 1 || a.stride(i) == expected;
        return dense ? a : a.dup('c');
    }

    /** All of a (any type; copied densely first when needed) → dst[0, a.length()). */
    void read(INDArray a, double[] dst) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) a = a.castTo(DataType.DOUBLE);
        a = dense(a);
        int len = (int) a.length();
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).get(dst, 0, len);
        } else {
            float[] f = staging(len);
            new FloatPointer(a.data().addressPointer()).get(f, 0, len);
            for (int i = 0; i < len; i++) dst[i] = f[i];
        }
    }

    /** src[0, a.length()) → a, which must be a dense c-order FLOAT or DOUBLE array (a fresh one). */
    void write(double[] src, INDArray a) {
        if (dense(a) != a) throw new IllegalStateException("target must be a fresh c-order array: " + a.shapeInfoToString());
        int len = (int) a.length();
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).put(src, 0, len);
        } else if (a.dataType() == DataType.FLOAT) {
            float[] f = staging(len);
            for (int i = 0; i < len; i++) f[i] = (float) src[i];
            new FloatPointer(a.data().addressPointer()).put(f, 0, len);
        } else {
            throw new IllegalStateException("FLOAT or DOUBLE only, got " + a.dataType());
        }
    }

    private float[] staging(int len) {
        if (staging.length < len) staging = new float[len];
        return staging;
    }
}
