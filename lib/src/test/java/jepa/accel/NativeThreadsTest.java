package jepa.accel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeThreadsTest {
    @Test
    void raisesTheBlasAndTheLoopsAndRestores() {
        int start = NativeThreads.get();
        int before = NativeThreads.set(start + 1);
        try {
            assertEquals(start, before);
            assertEquals(start + 1, NativeThreads.get());
            assertEquals(start + 1, ParallelLoops.threads());
            assertEquals(start + 1, Nd4j.factory().blas().getMaxThreads());
            int[] owner = new int[start + 1];
            ParallelLoops.forRange(owner.length, (from, to) -> { for (int i = from; i < to; i++) owner[i] = (int) Thread.currentThread().getId(); });
            assertTrue(java.util.Arrays.stream(owner).distinct().count() > 1, "the chunks ran on more than the calling thread");
        } finally {
            NativeThreads.set(before);
        }
        assertEquals(start, NativeThreads.get());
        assertEquals(start, Nd4j.factory().blas().getMaxThreads());
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.set(0));
    }
}
