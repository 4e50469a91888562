package jepa.accel;

import org.nd4j.linalg.factory.Nd4j;

/**
 * How many threads this JVM's maths uses: OpenBLAS's gemms and the project's Java loops ({@link ParallelLoops}).
 * It starts as ND4J's thread count (OMP_NUM_THREADS: one per Spark task core), which is right for Spark tasks but not
 * for a network trained on the driver, which holds all of the driver's cores: {@link #set} raises it for that.
 * (libnd4j's own thread count cannot be raised after start-up; few of its ops remain on the hot path.)
 */
public final class NativeThreads {
    private static volatile int override;

    private NativeThreads() {}

    /** The current thread count, at least 1. */
    public static int get() {
        int o = override;
        return o > 0 ? o : Math.max(1, Nd4j.getEnvironment().maxThreads());
    }

    /** Sets the thread count of the BLAS and the Java loops; returns the previous one, to restore it with. */
    public static int set(int threads) {
        if (threads < 1) throw new IllegalArgumentException("native threads must be >= 1, got " + threads);
        int before = get();
        Nd4j.factory().blas().setMaxThreads(threads);
        override = threads;
        return before;
    }
}
