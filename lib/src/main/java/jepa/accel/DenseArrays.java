package jepa.accel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The layout the project's Java loops read and write through raw pointers: dense c-order from the buffer's start. */
public final class DenseArrays {
    private DenseArrays() {}

    /** Dense c-order from the buffer's first element (workspace buffers may be longer than the array). */
    public static boolean dense(INDArray a) {
        if (a.offset() != 0 || a.data().offset() != 0 || a.data().length() < a.length()) return false;
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) return false;     // size-1 dims: any stride
            expected *= a.size(d);
        }
        return true;
    }

    /** a itself if {@link #dense}, else a dense c-order copy. */
    public static INDArray dense(INDArray a, boolean copyIfNot) {
        return copyIfNot && !dense(a) ? a.dup('c') : a;
    }
}
