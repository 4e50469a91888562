package jepa.accel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SgemmTest {
    private static INDArray operand(long rows, long cols, char order, boolean transposed, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, transposed ? cols : rows, transposed ? rows : cols).dup(order);
        return x;
    }

    /** C = alpha·op(A)·op(B) + beta·C in double, from the operands as stored. */
    private static double[][] reference(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        INDArray oa = ta ? a.transpose() : a, ob = tb ? b.transpose() : b;
        long m = c.size(0), n = c.size(1), k = oa.size(1);
        double[][] r = new double[(int) m][(int) n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += oa.getDouble(i, p) * ob.getDouble(p, j);
                r[i][j] = alpha * s + beta * c.getDouble(i, j);
            }
        return r;
    }

    private static void assertClose(double[][] expected, INDArray actual, String what) {
        for (int i = 0; i < expected.length; i++)
            for (int j = 0; j < expected[i].length; j++)
                assertEquals(expected[i][j], actual.getDouble(i, j), 1e-4 * (1 + Math.abs(expected[i][j])), what + " at " + i + "," + j);
    }

    @Test
    void everyOrderAndTransposeMatchesNd4jGemmAndTheDoubleProduct() {
        long m = 37, n = 11, k = 23;
        for (char oa : new char[]{'c', 'f'})
            for (char ob : new char[]{'c', 'f'})
                for (char oc : new char[]{'c', 'f'})
                    for (boolean ta : new boolean[]{false, true})
                        for (boolean tb : new boolean[]{false, true}) {
                            String what = "a " + oa + (ta ? "ᵀ" : "") + ", b " + ob + (tb ? "ᵀ" : "") + ", c " + oc;
                            INDArray a = operand(m, k, oa, ta, 1), b = operand(k, n, ob, tb, 2), c0 = operand(m, n, oc, false, 3);
                            INDArray mine = c0.dup(oc), theirs = c0.dup(oc);
                            double[][] ref = reference(a, b, c0, ta, tb, 0.7, 0.3);
                            Sgemm.gemm(a, b, mine, ta, tb, 0.7, 0.3);
                            Nd4j.gemm(a, b, theirs, ta, tb, 0.7, 0.3);
                            assertClose(ref, mine, what);
                            assertEquals(theirs, mine, what);
                        }
    }

    @Test
    void stepViewsOfLargerBuffersAsTheGruUsesThem() {
        int h = 48, b = 5, steps = 4;
        Nd4j.getRandom().setSeed(4);
        INDArray w = Nd4j.randn(DataType.FLOAT, h, 3 * h);
        INDArray hs = Nd4j.randn(DataType.FLOAT, steps, h, b), g = Nd4j.zeros(DataType.FLOAT, steps, 3 * h, b), g2 = g.dup();
        for (int t = 0; t < steps; t++) {
            INDArray x = hs.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            Sgemm.gemm(w, x, g.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()), true, false, 1.0, 0.0);
            Nd4j.gemm(w, x, g2.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()), true, false, 1.0, 0.0);
        }
        assertEquals(g2, g);
        // columns of a wider matrix (leading dimension > rows) and a single row
        INDArray wide = Nd4j.randn(DataType.FLOAT, 9, 20), part = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 10));
        INDArray rhs = Nd4j.randn(DataType.FLOAT, 7, 6), out = Nd4j.create(DataType.FLOAT, 9, 6), out2 = out.dup();
        Sgemm.gemm(part, rhs, out, false, false, 1.0, 0.0);
        Nd4j.gemm(part, rhs, out2, false, false, 1.0, 0.0);
        assertEquals(out2, out);
        INDArray row = Nd4j.randn(DataType.FLOAT, 1, 7), r1 = Nd4j.create(DataType.FLOAT, 1, 6);
        Sgemm.gemm(row, rhs, r1, false, false, 1.0, 0.0);
        assertClose(reference(row, rhs, Nd4j.zeros(DataType.FLOAT, 1, 6), false, false, 1.0, 0.0), r1, "row");
    }

    @Test
    void parameterViewsOfAFlatBuffer() {
        // DL4J's parameter views: reshaped intervals of one flat [1, n] vector (their buffers are views themselves)
        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, 2000);
        INDArray wc = flat.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(300, 300 + 12 * 20)).reshape('c', 12, 20);
        INDArray wf = flat.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(1000, 1000 + 12 * 20)).reshape('f', 12, 20);
        INDArray out = flat.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(1500, 1500 + 12 * 12)).reshape('f', 12, 12);
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 7);
        for (INDArray w : new INDArray[]{wc, wf}) {
            INDArray mine = Nd4j.create(DataType.FLOAT, 12, 7), theirs = mine.dup();
            Sgemm.gemm(w, x, mine, false, false, 1.0, 0.0);
            Nd4j.gemm(w, x, theirs, false, false, 1.0, 0.0);
            assertEquals(theirs, mine);
            assertClose(reference(w, x, Nd4j.zeros(DataType.FLOAT, 12, 7), false, false, 1.0, 0.0), mine, "view " + w.ordering());
        }
        INDArray expected = out.dup(), before = flat.dup();
        Nd4j.gemm(wc, wf, expected, false, true, 1.0, 0.5);
        Sgemm.gemm(wc, wf, out, false, true, 1.0, 0.5);                  // into a view: the rest of the buffer untouched
        assertEquals(expected, out);
        for (int i = 0; i < 2000; i++)
            if (i < 1500 || i >= 1500 + 144) assertEquals(before.getFloat(0, i), flat.getFloat(0, i), "flat[" + i + "]");
    }

    @Test
    void sameResultsAsNd4jGemmOnLargeShapesAtOneAndTwoThreads() {
        // above OpenBLAS's threading threshold, where its rounding depends on the thread count: the same library and count
        INDArray a = Nd4j.rand(DataType.FLOAT, 3000, 200), b = Nd4j.rand(DataType.FLOAT, 64, 200);
        for (int threads : new int[]{1, 2}) {
            int before = NativeThreads.set(threads);
            try {
                INDArray mine = Nd4j.create(DataType.FLOAT, new long[]{3000, 64}, 'f'), theirs = mine.dup('f');
                Sgemm.gemm(a, b, mine, false, true, 1.0, 0.0);
                Nd4j.gemm(a, b, theirs, false, true, 1.0, 0.0);
                assertEquals(theirs, mine, "threads " + threads);
            } finally {
                NativeThreads.set(before);
            }
        }
    }

    @Test
    void otherTypesAndStridesGoToNd4j() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 6, 4), b = Nd4j.rand(DataType.DOUBLE, 4, 3), c = Nd4j.create(DataType.DOUBLE, 6, 3);
        Sgemm.gemm(a, b, c, false, false, 1.0, 0.0);
        assertEquals(a.mmul(b), c);
        INDArray every2nd = Nd4j.rand(DataType.FLOAT, 6, 8).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 8));  // stride 2
        INDArray f = Nd4j.rand(DataType.FLOAT, 4, 3), out = Nd4j.create(DataType.FLOAT, 6, 3);
        Sgemm.gemm(every2nd, f, out, false, false, 1.0, 0.0);
        assertClose(reference(every2nd, f, Nd4j.zeros(DataType.FLOAT, 6, 3), false, false, 1.0, 0.0), out, "strided");
        // shapes that do not conform: ND4J's error, nothing written
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5), y = Nd4j.rand(DataType.FLOAT, 4, 3), z = Nd4j.zeros(DataType.FLOAT, 6, 3);
        assertThrows(RuntimeException.class, () -> Sgemm.gemm(x, y, z, false, false, 1.0, 0.0));
        assertEquals(Nd4j.zeros(DataType.FLOAT, 6, 3), z);
    }
}
