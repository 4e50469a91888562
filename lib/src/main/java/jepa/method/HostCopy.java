package jepa.method;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import jepa.nn.DenseArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between dense c-order FLOAT/DOUBLE ND4J arrays and Java double[] for the hand-written loss runtimes
 * (Java loops on the host copy, BLAS on the native one); FLOAT goes through a reusable float[] staging array.
 */
final class HostCopy {
    private float[] staging = new float[0];

    /** All of a (any type; copied densely first when needed) → dst[0, a.length()). */
    void read(INDArray a, double[] dst) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) a = a.castTo(DataType.DOUBLE);
        a = DenseArrays.dense(a, true);
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
        if (!DenseArrays.dense(a)) throw new IllegalStateException("target must be a fresh c-order array: " + a.shapeInfoToString());
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
