package jepa.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Index and copy helpers for ND4J arrays. */
final class NdArrays {
    private NdArrays() {}

    /** A block of leading rows of a rank-3 array. */
    static INDArrayIndex[] rows(int from, int to) {
        return new INDArrayIndex[]{NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /** A block of leading rows of a rank-4 array. */
    static INDArrayIndex[] rows4(int from, int to) {
        return new INDArrayIndex[]{NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /** A matrix's elements in row-major order as double; one bulk copy (toDoubleMatrix goes row by row, far slower). */
    static double[] rowMajor(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** A matrix as double[rows][cols] through one bulk copy. */
    static double[][] matrix(INDArray a) {
        int r = (int) a.rows(), c = (int) a.columns();
        double[] flat = rowMajor(a);
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(flat, i * c, out[i], 0, c);
        return out;
    }
}
