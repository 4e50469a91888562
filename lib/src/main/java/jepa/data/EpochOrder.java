package jepa.data;

import jepa.settings.ConfigError;

import java.util.Arrays;

/**
 * Which training sequences an epoch reads, and in which order — one rule for every batch source. Epoch e reads the
 * ids [e·k, (e+1)·k) of the split (k = train.sequences-per-epoch; k = 0 means the whole split every epoch), sorted by
 * {@link #key}, a hash of (order seed, epoch, id): a fresh permutation per epoch that any engine can reproduce
 * row by row (Spark sorts a Parquet split by the same key), so no shuffle buffer and no random access is needed.
 * Only whole batches are used: the last count mod batch ids of the order are dropped. A cycling order (for a split
 * smaller than epochs·k) reads its ⌊size / k⌋ blocks in turn, each time in a new permutation.
 */
public record EpochOrder(long seed, long splitSize, long perEpoch, int epochs, boolean cycles) {

    public EpochOrder {
        if (perEpoch > 0 && !cycles && perEpoch * epochs > splitSize)
            throw new ConfigError("train.sequences-per-epoch = " + perEpoch + " over train.epochs = " + epochs + " needs "
                    + perEpoch * epochs + " training sequences, but the split has " + splitSize + " (dataset.train)");
        if (perEpoch > splitSize)
            throw new ConfigError("train.sequences-per-epoch = " + perEpoch + " exceeds the split's " + splitSize + " sequences");
    }

    /** Epoch e reads the e-th block of k fresh ids (k = 0: the whole split); the split must hold them all. */
    public EpochOrder(long seed, long splitSize, long perEpoch, int epochs) { this(seed, splitSize, perEpoch, epochs, false); }

    /** Sequences per epoch. */
    public long count() { return perEpoch > 0 ? perEpoch : splitSize; }

    /** The first id epoch {@code epoch} reads. */
    public long first(int epoch) {
        if (perEpoch == 0) return 0;
        return perEpoch * (cycles ? epoch % (splitSize / perEpoch) : epoch);
    }

    /** The ids of an epoch, in visiting order. */
    public long[] ids(int epoch) {
        long n = count(), from = first(epoch);
        long[][] pairs = new long[(int) n][];
        for (int i = 0; i < n; i++) pairs[i] = new long[]{key(seed, epoch, from + i), from + i};
        Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[] ids = new long[(int) n];
        for (int i = 0; i < n; i++) ids[i] = pairs[i][1];
        return ids;
    }

    /** The sort key of sequence {@code id} in epoch {@code epoch}: SplitMix64's finaliser over the three. */
    public static long key(long seed, int epoch, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xC2B2AE3D27D4EB4FL + id * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
