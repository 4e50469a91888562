package jepa.accel.gru;

import jepa.accel.NativeLibrary;
import jepa.accel.NativeThreads;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static jepa.accel.gru.GruRuntimeTest.A;
import static jepa.accel.gru.GruRuntimeTest.T;
import static jepa.accel.gru.GruRuntimeTest.relErr;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link NativeGru} (GruRuntime's float path where the kernels load) against GruRuntime's Java path
 * (compute.backend = java), which GruRuntimeTest holds to the stock SameDiff GRU: output, both input epsilons and every
 * parameter gradient of one or two layers, at hidden sizes that are and are not a multiple of the kernels' 6-row
 * panels and batches that are and are not a multiple of their 16 columns; the same bits on 1 and 3 threads (a
 * barrier per step; the weight gradients, one OpenBLAS gemm after the passes, to its rounding); saturated gates and NaN as the Java path; packed weights of the wrong shape rejected.
 */
class NativeGruTest {

    private static boolean here() { return NativeLibrary.available(); }

    /** One forward + backward pass of a fresh graph's GRU vertex, natively or on the Java path. */
    private static GruRuntimeTest.Pass pass(int d, int layers, INDArray z, INDArray a, INDArray eps, boolean nativePath) {
        ComputationGraph cg = GruRuntimeTest.graph(new Gru(d, layers, T, A), DataType.FLOAT, 3);
        if (!nativePath) jepa.accel.Backend.use("java");
        try {
            return GruRuntimeTest.pass(cg.getVertex("rollout"), z, a, eps);
        } finally {
            jepa.accel.Backend.use("auto");
        }
    }

    private static void assertClose(GruRuntimeTest.Pass expected, GruRuntimeTest.Pass actual, double tol, String what) {
        assertTrue(relErr(expected.out(), actual.out()) < tol, what + " output " + relErr(expected.out(), actual.out()));
        assertTrue(relErr(expected.dz(), actual.dz()) < tol, what + " dz " + relErr(expected.dz(), actual.dz()));
        assertTrue(relErr(expected.da(), actual.da()) < tol, what + " da " + relErr(expected.da(), actual.da()));
        assertEquals(expected.grads().keySet(), actual.grads().keySet());
        for (String k : expected.grads().keySet()) {
            double e = relErr(expected.grads().get(k), actual.grads().get(k));
            assertTrue(e < tol, what + " " + k + ": " + e);
            assertTrue(actual.grads().get(k).amaxNumber().doubleValue() > 1e-4, what + " " + k + " is non-trivial");
        }
    }

    @Test
    void matchesJavaPath() {
        if (!here()) return;
        int[][] cases = {{64, 1, 64}, {30, 2, 13}, {7, 1, 5}, {20, 2, 33}};     // {hidden, layers, batch}
        for (int[] c : cases) {
            int d = c[0], layers = c[1], b = c[2];
            Nd4j.getRandom().setSeed(d + b);
            INDArray z = Nd4j.randn(DataType.FLOAT, b, d, T), a = Nd4j.randn(DataType.FLOAT, b, A, T - 1), eps = Nd4j.randn(DataType.FLOAT, b, d, T);
            GruRuntimeTest.Pass java = pass(d, layers, z, a, eps, false), nat = pass(d, layers, z, a, eps, true);
            assertClose(java, nat, 2e-5, "H=" + d + " layers=" + layers + " B=" + b);
            assertFalse(relErr(java.out(), nat.out()) == 0 && relErr(java.grads().get("Wh0"), nat.grads().get("Wh0")) == 0,
                    "the native path ran (float e^x and sums differ from the Java path's double ones in the last bits)");
        }
    }

    @Test
    void threadCountDoesNotChangeResults() {
        if (!here()) return;
        int b = 21, d = 40;                                   // 7 panels of hidden units: 3 threads take 2, 2 and 3
        Nd4j.getRandom().setSeed(5);
        INDArray z = Nd4j.randn(DataType.FLOAT, b, d, T), a = Nd4j.randn(DataType.FLOAT, b, A, T - 1), eps = Nd4j.randn(DataType.FLOAT, b, d, T);
        int before = NativeThreads.set(1);
        GruRuntimeTest.Pass one, three;
        try {
            one = pass(d, 2, z, a, eps, true);
            NativeThreads.set(3);
            three = pass(d, 2, z, a, eps, true);
        } finally {
            NativeThreads.set(before);
        }
        assertArrayEquals(one.out().data().asFloat(), three.out().data().asFloat(), "output");
        assertArrayEquals(one.dz().data().asFloat(), three.dz().data().asFloat(), "dz");
        assertArrayEquals(one.da().data().asFloat(), three.da().data().asFloat(), "da");
        for (String k : one.grads().keySet()) {
            if (k.startsWith("b")) assertArrayEquals(one.grads().get(k).data().asFloat(), three.grads().get(k).data().asFloat(), k);
            else assertTrue(relErr(one.grads().get(k), three.grads().get(k)) < 1e-6, k);   // Σ_t x_t·d_tᵀ: OpenBLAS, whose order follows its threads
        }
    }

    /** Large pre-activations saturate the gates (e^x clamped, not inf − inf); a NaN input stays NaN in its column only. */
    @Test
    void saturationAndNanAsJavaPath() {
        if (!here()) return;
        int b = 6, d = 12;
        Nd4j.getRandom().setSeed(9);
        INDArray z = Nd4j.randn(DataType.FLOAT, b, d, T).muli(200), a = Nd4j.randn(DataType.FLOAT, b, A, T - 1).muli(300),
                eps = Nd4j.randn(DataType.FLOAT, b, d, T);
        GruRuntimeTest.Pass java = pass(d, 1, z, a, eps, false), nat = pass(d, 1, z, a, eps, true);
        assertFalse(nat.out().isInfinite().any() || nat.out().isNaN().any(), "saturated, finite");
        assertTrue(relErr(java.out(), nat.out()) < 2e-5, "output " + relErr(java.out(), nat.out()));
        assertTrue(relErr(java.dz(), nat.dz()) < 2e-5, "dz " + relErr(java.dz(), nat.dz()));

        z.putScalar(new long[]{2, 3, 0}, Float.NaN);
        java = pass(d, 1, z, a, eps, false);
        nat = pass(d, 1, z, a, eps, true);
        assertEquals(java.out().isNaN(), nat.out().isNaN(), "the same outputs are NaN");
        assertTrue(nat.out().get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.interval(1, T)).isNaN().all(),
                "the NaN reaches every unit of its sequence from step 1");
        assertFalse(nat.out().get(NDArrayIndex.point(1)).isNaN().any(), "and no other sequence");
    }

    @Test
    void rejectsWeightsOfTheWrongShape() {
        if (!here()) return;
        try (NativeGru.Packed p = new NativeGru.Packed(3, 8, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.packTransposed(Nd4j.create(DataType.FLOAT, 4, 8)));
            assertTrue(e.getMessage().contains("weights must be [4, 24]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.packTransposed(Nd4j.create(DataType.DOUBLE, 4, 24)));
            assertThrows(IllegalStateException.class, () -> p.pack(Nd4j.create(DataType.FLOAT, 8, 4)), "three blocks are packed transposed");
        }
    }
}
