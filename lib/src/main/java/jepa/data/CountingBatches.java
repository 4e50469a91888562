package jepa.data;

import jepa.world.CountingWorld;
import jepa.world.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The transitions of a split of the counting world, streamed from the generator: transition i is the i-th (o, a, o′)
 * over the split's episodes in (episode id, step) order. A batch regenerates the episodes it touches (an episode is a
 * pure function of (seed, split, id), a few µs per frame), so nothing is held in memory but the index, and every
 * source of the same config visits the same batches ({@link EpochOrder} over transition ids, like the dot sources over
 * sequence ids).
 */
public final class CountingBatches {
    private final CountingWorld world;
    private final long seed;
    private final Split split;
    private final long[] first;       // first[e] = id of episode e's first transition; first[episodes] = total

    public CountingBatches(CountingWorld world, long seed, Split split, long episodes) {
        this.world = world;
        this.seed = seed;
        this.split = split;
        this.first = new long[Math.toIntExact(episodes) + 1];
        for (int e = 0; e < episodes; e++) first[e + 1] = first[e] + world.counts(seed, split, e).steps().size() - 1;
    }

    public long transitions() { return first[first.length - 1]; }

    /** The batches of one epoch in {@code order}'s order (whole batches only). */
    public Iterator<CountingBatch> epoch(EpochOrder order, int epoch, int batchSize, boolean withNext) {
        long[] ids = order.ids(epoch);
        int batches = (int) (ids.length / batchSize);
        return new Iterator<>() {
            int b = 0;

            public boolean hasNext() { return b < batches; }

            public CountingBatch next() {
                if (!hasNext()) throw new NoSuchElementException();
                return batch(Arrays.copyOfRange(ids, b * batchSize, ++b * batchSize), withNext);
            }
        };
    }

    public int batchesPerEpoch(EpochOrder order, int batchSize) { return (int) (order.count() / batchSize); }

    /** The transitions with these ids, o′ stacked after o when {@code withNext}. */
    public CountingBatch batch(long[] ids, boolean withNext) {
        int n = ids.length, px = world.frameBytes();
        float[] frames = new float[(withNext ? 2 : 1) * n * px], actions = new float[n], rewards = new float[n];
        int[] counts = new int[n];
        long cachedEpisode = -1;
        CountingWorld.Episode ep = null;
        for (int i = 0; i < n; i++) {
            int e = episodeOf(ids[i]);
            if (e != cachedEpisode) { ep = world.episode(seed, split, e); cachedEpisode = e; }
            CountingWorld.Step s = ep.steps().get((int) (ids[i] - first[e]));
            CountingWorld.toEncoderInput(s.frame(), frames, i * px);
            if (withNext) CountingWorld.toEncoderInput(ep.steps().get(s.step() + 1).frame(), frames, (n + i) * px);
            actions[i] = s.action();
            rewards[i] = s.reward();
            counts[i] = s.count();
        }
        int side = world.config().imageSize();
        return new CountingBatch(Nd4j.createFromArray(frames).reshape((withNext ? 2L : 1L) * n, 3, side, side),
                Nd4j.createFromArray(actions).reshape(n, 1), rewards, counts);
    }

    private int episodeOf(long id) {
        if (id < 0 || id >= transitions()) throw new IndexOutOfBoundsException("transition " + id + " of " + transitions());
        int i = Arrays.binarySearch(first, id);
        if (i >= 0) {
            while (i + 1 < first.length && first[i + 1] == id) i++;   // skip episodes without transitions
            return i;
        }
        return -i - 2;
    }

    /** Every observation of the first {@code episodes} episodes of a split, in (episode, step) order. */
    public static Observations observations(CountingWorld world, long seed, Split split, long episodes) {
        List<CountingWorld.Episode> eps = new ArrayList<>();
        for (long e = 0; e < episodes; e++) eps.add(world.episode(seed, split, e));
        return new Observations(world, eps);
    }

    /** Observations kept as their uint8 frames (12 kB each at 64 px); images on demand. */
    public static final class Observations {
        private final int side;
        private final List<CountingWorld.Episode> episodes;
        private final List<byte[]> frames = new ArrayList<>();
        private final int[] counts;

        Observations(CountingWorld world, List<CountingWorld.Episode> episodes) {
            this.side = world.config().imageSize();
            this.episodes = List.copyOf(episodes);
            List<Integer> c = new ArrayList<>();
            for (CountingWorld.Episode e : episodes)
                for (CountingWorld.Step s : e.steps()) {
                    frames.add(s.frame());
                    c.add(s.count());
                }
            this.counts = c.stream().mapToInt(Integer::intValue).toArray();
        }

        public int size() { return counts.length; }

        public int[] counts() { return counts.clone(); }

        public List<CountingWorld.Episode> episodes() { return episodes; }

        public byte[] frame(int i) { return frames.get(i); }

        /** Observations [from, to) as encoder input [n, 3, S, S]. */
        public INDArray images(int from, int to) {
            int px = 3 * side * side;
            float[] f = new float[(to - from) * px];
            for (int i = from; i < to; i++) CountingWorld.toEncoderInput(frames.get(i), f, (i - from) * px);
            return Nd4j.createFromArray(f).reshape(to - from, 3, side, side).castTo(DataType.FLOAT);
        }

        /** The observations at these indices as encoder input. */
        public INDArray images(int[] indices) {
            int px = 3 * side * side;
            float[] f = new float[indices.length * px];
            for (int i = 0; i < indices.length; i++) CountingWorld.toEncoderInput(frames.get(indices[i]), f, i * px);
            return Nd4j.createFromArray(f).reshape(indices.length, 3, side, side);
        }
    }
}
