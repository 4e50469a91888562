package jepa.data;

import jepa.settings.ConfigError;
import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;
import jepa.world.ImageMoments;
import jepa.world.MovingDotWorld;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import jepa.world.Split;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Batches of a dataset split produced straight from the generator: every sequence is a pure function of
 * (dataset seed, split, seq_id), so these are the bytes the generate job writes for that split, without a
 * filesystem — what a sweep task uses to train and probe on one node.
 */
public final class GeneratedBatches implements BatchSource {
    private final MovingDotWorld world;
    private final Split split;
    private final long datasetSeed, count;
    private final int batch;
    private final BatchAssembler assembler;
    private final EpochOrder order;

    /** A split of {@code count} sequences read in id order ({@link #inOrder}). */
    public GeneratedBatches(WorldConfig w, NoiseConfig noise, long datasetSeed, Split split, long count, Normalization norm) {
        this(w, noise, datasetSeed, split, count, 1, norm, null);
    }

    /** A training split visited in {@code order} in batches of {@code batch}. */
    public GeneratedBatches(WorldConfig w, NoiseConfig noise, long datasetSeed, Split split, long count, int batch,
                            Normalization norm, EpochOrder order) {
        this.world = MovingDotWorld.of(w, noise, split);
        this.split = split;
        this.datasetSeed = datasetSeed;
        this.count = count;
        this.batch = batch;
        this.order = order;
        this.assembler = new BatchAssembler(norm, w);
        if (order != null && order.count() < batch)
            throw new ConfigError("train.batch-size = " + batch + " is larger than an epoch (" + order.count() + " sequences)");
    }

    /** The reference's image normalisation estimate (reference §1.7) over the first training batches, generated here. */
    public static Normalization estimateNormalization(WorldConfig w, NoiseConfig noise, long datasetSeed, long trainCount,
                                                      int normBatch, int normBatches) {
        MovingDotWorld gen = MovingDotWorld.of(w, noise, Split.TRAIN);
        long batches = Math.max(1, Math.min(normBatches, trainCount / normBatch));
        long n = Math.min(trainCount, batches * normBatch);
        List<ImageMoments> moments = new ArrayList<>();
        for (long id = 0; id < n; id++) {
            if (id % normBatch == 0) moments.add(new ImageMoments(MovingDots.of(w).dots()));
            moments.get(moments.size() - 1).add(gen.generate(datasetSeed, Split.TRAIN, id).frames(), w.imageSize() * w.imageSize());
        }
        return Normalization.estimate(moments, w);
    }

    @Override public int batchesPerEpoch() { return (int) (order.count() / batch); }

    @Override public Batch diagnosticsBatch() { return assemble(ids(0, batch)); }

    private Batch assemble(long[] ids) {
        List<BatchAssembler.Stored> seqs = new ArrayList<>(ids.length);
        for (long id : ids) {
            MovingDotWorld.Sequence s = world.generate(datasetSeed, split, id);
            seqs.add(new BatchAssembler.Stored(id, s.frames(), s.locations(), s.actions()));
        }
        return assembler.assemble(seqs);
    }

    private static long[] ids(long from, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = from + i;
        return ids;
    }

    @Override
    public Iterator<Batch> epoch(int epoch) {
        long[] ids = order.ids(epoch);
        return new Iterator<>() {
            int next;

            public boolean hasNext() { return next < batchesPerEpoch(); }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                return assemble(java.util.Arrays.copyOfRange(ids, batch * next, batch * ++next));
            }
        };
    }

    /** All sequences of the split in id order, in batches of {@code size} (the last one may be smaller): for probing. */
    public Iterator<Batch> inOrder(int size) {
        return new Iterator<>() {
            long next;

            public boolean hasNext() { return next < count; }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int n = (int) Math.min(size, count - next);
                Batch b = assemble(ids(next, n));
                next += n;
                return b;
            }
        };
    }
}
