package jepa.accel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta)} for float matrices as one direct call of OpenBLAS's
 * cblas_sgemm, the library (and thread count, {@link NativeThreads}) ND4J's own BLAS uses: libnd4j's matmul op costs
 * 0.3–0.6 ms per call on top of the gemm (GemmBench), and the GRU's ~1 ms step gemms are called ~50 times per
 * training step. Same operands, same library, same results (SgemmTest: bit-identical).
 * <p>
 * Any float rank-2 operand whose rows or columns are contiguous (c- or f-order, also views with a leading dimension)
 * is passed as it is; anything else (other types, other strides) goes to Nd4j.gemm.
 */
public final class Sgemm {
    private Sgemm() {}

    /** c = alpha·op(a)·op(b) + beta·c, as Nd4j.gemm. */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        Operand oa = Operand.of(a), ob = Operand.of(b), oc = Operand.of(c);     // null unless a float matrix BLAS can take
        if (oa == null || ob == null || oc == null || !conform(a, b, c, transposeA, transposeB)) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);            // other operands; its error for other shapes
            return;
        }
        long m = c.size(0), n = c.size(1), k = a.size(transposeA ? 0 : 1);
        if (oc.columnMajor) {          // C = op(A)·op(B), column-major
            call(oa, transposeA, ob, transposeB, oc, m, n, k, alpha, beta);
        } else {                       // a row-major C is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ
            call(ob, !transposeB, oa, !transposeA, oc, n, m, k, alpha, beta);
        }
    }

    /** op(a) [m, k], op(b) [k, n] and c [m, n] (all rank 2). */
    private static boolean conform(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
        long k = a.size(transposeA ? 0 : 1);
        return a.size(transposeA ? 1 : 0) == c.size(0) && b.size(transposeB ? 0 : 1) == c.size(1) && b.size(transposeB ? 1 : 0) == k;
    }

    /** Column-major X[m, n] = op(P)·op(Q); a row-major operand is the column-major transpose of itself. */
    private static void call(Operand p, boolean tp, Operand q, boolean tq, Operand x, long m, long n, long k, double alpha, double beta) {
        boolean transP = tp == p.columnMajor, transQ = tq == q.columnMajor;
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor,
                transP ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transQ ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                (int) m, (int) n, (int) k, (float) alpha, p.pointer, p.ld, q.pointer, q.ld, (float) beta, x.pointer, x.ld);
    }

    /** A float matrix as BLAS sees it: its first element, column- or row-major, and the leading dimension. */
    private record Operand(FloatPointer pointer, boolean columnMajor, int ld) {
        static Operand of(INDArray a) {
            if (a.rank() != 2 || a.dataType() != DataType.FLOAT || a.isEmpty()) return null;
            // a view's buffer may itself be a view (DL4J's parameter views): its address is already at data().offset()
            long start = a.offset() - a.data().offset();
            long rows = a.size(0), cols = a.size(1), s0 = a.stride(0), s1 = a.stride(1);
            if (start < 0 || s0 < 0 || s1 < 0 || start + (rows - 1) * s0 + (cols - 1) * s1 >= a.data().length()) return null;
            long ld;
            boolean columnMajor;
            if ((s0 == 1 || rows == 1) && (cols == 1 || s1 >= rows)) {           // columns contiguous
                columnMajor = true;
                ld = cols == 1 ? rows : s1;
            } else if ((s1 == 1 || cols == 1) && (rows == 1 || s0 >= cols)) {    // rows contiguous
                columnMajor = false;
                ld = rows == 1 ? cols : s0;
            } else {
                return null;
            }
            if (ld > Integer.MAX_VALUE || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) return null;
            FloatPointer p = new FloatPointer(a.data().addressPointer()).position(start);
            return new Operand(p, columnMajor, (int) Math.max(1, ld));
        }
    }
}
