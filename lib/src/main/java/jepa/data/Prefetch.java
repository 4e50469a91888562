package jepa.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An iterator read ahead by a daemon thread: the next training batch (Parquet rows fetched through a Spark job per
 * partition, decoded and normalised, or sequences generated on the fly) is made while the network trains on the
 * current one. The trainer otherwise waited ~5 % of an epoch for its batches (w = 2, 512-d, batch 64).
 * Items arrive in the source's order; the source's exceptions surface from {@link #hasNext}/{@link #next}.
 */
public final class Prefetch<T> implements Iterator<T>, AutoCloseable {
    private static final Object END = new Object();

    private record Failure(Throwable cause) {}

    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private Object next;

    /** Starts reading {@code source} at most {@code depth} (≥ 1) items ahead. */
    public Prefetch(Iterator<T> source, int depth, String name) {
        if (depth < 1) throw new IllegalArgumentException("prefetch depth must be >= 1, got " + depth);
        queue = new ArrayBlockingQueue<>(depth);
        thread = new Thread(() -> {
            try {
                try {
                    while (source.hasNext()) queue.put(source.next());
                    queue.put(END);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Throwable t) {
                    queue.put(new Failure(t));
                }
            } catch (InterruptedException closed) {
                Thread.currentThread().interrupt();      // closed by the consumer: stop reading
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (next instanceof Failure f) {
            if (f.cause() instanceof RuntimeException re) throw re;
            if (f.cause() instanceof Error er) throw er;
            throw new IllegalStateException(f.cause());
        }
        return next != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T t = (T) next;
        next = null;
        return t;
    }

    /** Stops the reader (an epoch left early, e.g. on divergence). */
    @Override
    public void close() { thread.interrupt(); }
}
