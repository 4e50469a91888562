package jepa.train;

import jepa.config.NoiseConfig;
import jepa.config.WorldConfig;
import jepa.world.ImageMoments;
import jepa.world.MovingDotWorld;
import jepa.world.Normalization;
import jepa.world.Split;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Batches of a dataset split produced straight from the generator: every sequence is a pure function of
 * (dataset seed, split, seq_id), so these are the bytes the generate job writes for that split, without a
 * filesystem — what a sweep task uses to train on one node. Epoch order: a permutation seeded by (seed, epoch).
 */
public final class GeneratedBatches implements Trainer.BatchSource {
    private final MovingDotWorld world;
    private final Split split;
    private final long datasetSeed, count, orderSeed;
    private final int batch;
    private final BatchAssembler assembler;

    public GeneratedBatches(WorldConfig w, NoiseConfig noise, long datasetSeed, Split split, long count, int batch,
                            Normalization norm, long orderSeed) {
        this.world = MovingDotWorld.of(w, noise, split);
        this.split = split;
        this.datasetSeed = datasetSeed;
        this.count = count;
        this.batch = batch;
        this.orderSeed = orderSeed;
        this.assembler = new BatchAssembler(norm, w);
        if (count < batch) throw new jepa.config.ConfigError("train.batch-size = " + batch + " is larger than the split (" + count + " sequences)");
    }

    /** The reference's image normalisation estimate (§1.7) over the first training batches, generated here. */
    public static Normalization estimateNormalization(WorldConfig w, NoiseConfig noise, long datasetSeed, long trainCount,
                                                      int normBatch, int normBatches) {
        MovingDotWorld gen = MovingDotWorld.of(w, noise, Split.TRAIN);
        long batches = Math.max(1, Math.min(normBatches, trainCount / normBatch));
        long n = Math.min(trainCount, batches * normBatch);
        List<ImageMoments> moments = new ArrayList<>();
        for (long id = 0; id < n; id++) {
            if (id % normBatch == 0) moments.add(new ImageMoments(w.dots()));
            moments.get(moments.size() - 1).add(gen.generate(datasetSeed, Split.TRAIN, id).frames(), w.imageSize() * w.imageSize());
        }
        return Normalization.estimate(moments, w);
    }

    @Override public int batchesPerEpoch() { return (int) (count / batch); }

    @Override public Batch diagnosticsBatch() { return assemble(0, batch, null); }

    /** Sequences [from, from + n) in id order (or through {@code order}), as one batch. */
    public Batch assemble(long from, int n, long[] order) {
        List<BatchAssembler.Stored> seqs = new ArrayList<>(n);
        for (long i = from; i < from + n; i++) {
            MovingDotWorld.Sequence s = world.generate(datasetSeed, split, order == null ? i : order[(int) i]);
            seqs.add(new BatchAssembler.Stored(s.frames(), s.locations(), s.actions()));
        }
        return assembler.assemble(seqs);
    }

    @Override
    public Iterator<Batch> epoch(int epoch) {
        long[] order = new long[(int) count];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(orderSeed * 1_000_003L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Iterator<>() {
            int next;

            public boolean hasNext() { return next < batchesPerEpoch(); }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                return assemble((long) batch * next++, batch, order);
            }
        };
    }

    /** All sequences of the split in id order, in batches of {@code size} (the last one may be smaller): for probing. */
    public Iterator<Batch> inOrder(int size) {
        return new Iterator<>() {
            long next;

            public boolean hasNext() { return next < count; }

            public Batch next() {
                int n = (int) Math.min(size, count - next);
                Batch b = assemble(next, n, null);
                next += n;
                return b;
            }
        };
    }
}
