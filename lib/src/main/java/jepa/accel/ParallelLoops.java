package jepa.accel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

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
        together(k, i -> body.run((int) ((long) n * i / k), (int) ((long) n * (i + 1) / k)));
    }

    /**
     * Runs parts 0 … k−1 at the same time, each on its own thread (the calling thread takes part 0), and returns when
     * all have: for parts that wait for each other (a barrier), which chunks run one after the other could not.
     */
    public static void together(int k, IntConsumer part) {
        List<Future<?>> rest = new ArrayList<>(Math.max(0, k - 1));
        for (int i = 1; i < k; i++) {
            int p = i;
            rest.add(POOL.submit(() -> part.accept(p)));
        }
        if (k > 0) part.accept(0);
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
