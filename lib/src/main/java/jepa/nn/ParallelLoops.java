package jepa.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the project's hand-written Java loops (im2col, BatchNorm, …) on as many threads as the BLAS gets
 * ({@link NativeThreads}: OMP_NUM_THREADS, set per Spark task to the task's cores), so that a task never uses more
 * cores than it holds.
 * The range [0, n) is cut into one contiguous chunk per thread: results never depend on the thread count when each
 * index is written by exactly one chunk.
 */
public final class ParallelLoops {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jepa-loops");
        t.setDaemon(true);
        return t;
    });

    private ParallelLoops() {}

    /** Threads for a loop: {@link NativeThreads#get()} (OMP_NUM_THREADS unless raised for training on the driver). */
    public static int threads() { return NativeThreads.get(); }

    /** A loop body over the index range [from, to). */
    @FunctionalInterface
    public interface Chunk { void run(int from, int to); }

    /** Runs body over [0, n) in up to {@link #threads()} contiguous chunks; the calling thread takes the first. */
    public static void forRange(int n, Chunk body) {
        int k = Math.min(threads(), n);
        if (k <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        List<Future<?>> rest = new ArrayList<>(k - 1);
        for (int i = 1; i < k; i++) {
            int from = (int) ((long) n * i / k), to = (int) ((long) n * (i + 1) / k);
            rest.add(POOL.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / k));
        for (Future<?> f : rest) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in a parallel loop", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error er) throw er;
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
