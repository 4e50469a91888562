package jepa.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefetchTest {
    @Test
    void deliversEveryItemInOrder() {
        List<Integer> seen = new ArrayList<>();
        try (Prefetch<Integer> p = new Prefetch<>(IntStream.range(0, 100).iterator(), 2, "test")) {
            p.forEachRemaining(seen::add);
            assertFalse(p.hasNext());
            assertThrows(NoSuchElementException.class, p::next);
        }
        assertEquals(IntStream.range(0, 100).boxed().toList(), seen);
    }

    @Test
    void readsAtMostDepthAhead() throws InterruptedException {
        int[] produced = {0};
        Iterator<Integer> counting = new Iterator<>() {
            public boolean hasNext() { return true; }
            public Integer next() { synchronized (produced) { return produced[0]++; } }
        };
        try (Prefetch<Integer> p = new Prefetch<>(counting, 1, "test")) {
            assertEquals(0, p.next());
            Thread.sleep(200);
            // one item in the queue and at most one more taken from the source while the put blocks
            synchronized (produced) { assertTrue(produced[0] <= 3, "read " + produced[0] + " items"); }
        }
    }

    @Test
    void theSourcesFailureSurfacesAfterTheItemsBeforeIt() {
        IllegalArgumentException boom = new IllegalArgumentException("bad row in part-0003.parquet");
        Iterator<Integer> failing = new Iterator<>() {
            int i;
            public boolean hasNext() { return true; }
            public Integer next() { if (i == 2) throw boom; return i++; }
        };
        try (Prefetch<Integer> p = new Prefetch<>(failing, 1, "test")) {
            assertEquals(0, p.next());
            assertEquals(1, p.next());
            assertSame(boom, assertThrows(IllegalArgumentException.class, p::hasNext));
        }
    }
}
