package jepa.accel.vit;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A float array off the Java heap that Java loops (through a direct {@link FloatBuffer}) and OpenBLAS (through its
 * address) share without copies, and row-major cblas_sgemm on such arrays at element offsets.
 */
final class DirectFloats {
    final FloatBuffer f;
    private final FloatPointer pointer;
    final int length;

    DirectFloats(int length) {
        this.length = length;
        this.f = ByteBuffer.allocateDirect(Math.multiplyExact(Math.max(1, length), 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.pointer = new FloatPointer(f);
    }

    float get(int i) { return f.get(i); }

    void put(int i, float v) { f.put(i, v); }

    void add(int i, float v) { f.put(i, f.get(i) + v); }

    void zero(int n) {
        for (int i = 0; i < n; i++) f.put(i, 0f);
    }

    /** A pointer at element {@code offset} (a fresh object: the shared one's position is never moved). */
    FloatPointer at(int offset) { return new FloatPointer(pointer).position(offset); }

    /**
     * Row-major C[m, n] = alpha·op(A)·op(B) + beta·C, where A, B, C start at the given element offsets with the given
     * leading dimensions (row strides).
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DirectFloats a, int aOff, int lda,
                     DirectFloats b, int bOff, int ldb, float beta, DirectFloats c, int cOff, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha, a.at(aOff), lda, b.at(bOff), ldb, beta, c.at(cOff), ldc);
    }
}
