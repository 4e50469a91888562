package jepa.accel;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between dense c-order FLOAT/DOUBLE ND4J arrays and Java double[] for the hand-written runtimes that
 * compute in double (Java loops on the host copy, BLAS on the native one). FLOAT goes through a float[] staging
 * array whose range [at, at + n) mirrors the double[] range copied: callers running in parallel may share one
 * instance, sized up front ({@link #HostCopy(int)}), as long as their ranges are disjoint.
 */
public final class HostCopy {
    private float[] staging;

    public HostCopy() { this(0); }

    /** With staging for double[] ranges up to {@code capacity}. */
    public HostCopy(int capacity) { staging = new float[capacity]; }

    /** All of a (any type; copied densely first when needed) → dst[0, a.length()). */
    public void read(INDArray a, double[] dst) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) a = a.castTo(DataType.DOUBLE);
        a = DenseArrays.dense(a, true);
        read(a, 0, dst, 0, (int) a.length());
    }

    /** src[0, a.length()) → a, which must be a dense c-order FLOAT or DOUBLE array (a fresh one). */
    public void write(double[] src, INDArray a) {
        if (!DenseArrays.dense(a)) throw new IllegalStateException("target must be a fresh c-order array: " + a.shapeInfoToString());
        write(src, 0, a, 0, (int) a.length());
    }

    /** n values of a's buffer from element offset → dst[at, at + n); a dense FLOAT or DOUBLE. */
    public void read(INDArray a, long offset, double[] dst, int at, int n) {
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).position(offset).get(dst, at, n);
        } else {
            float[] f = staging(at + n);
            new FloatPointer(a.data().addressPointer()).position(offset).get(f, at, n);
            for (int i = at; i < at + n; i++) dst[i] = f[i];
        }
    }

    /** src[at, at + n) → n values of a's buffer from element offset; a dense FLOAT or DOUBLE. */
    public void write(double[] src, int at, INDArray a, long offset, int n) {
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).position(offset).put(src, at, n);
        } else if (a.dataType() == DataType.FLOAT) {
            float[] f = staging(at + n);
            for (int i = at; i < at + n; i++) f[i] = (float) src[i];
            new FloatPointer(a.data().addressPointer()).position(offset).put(f, at, n);
        } else {
            throw new IllegalStateException("FLOAT or DOUBLE only, got " + a.dataType());
        }
    }

    private float[] staging(int len) {
        if (staging.length < len) staging = new float[len];
        return staging;
    }
}
