package jepa.world;

import java.util.SplittableRandom;

/**
 * Per-sequence random streams: a sequence is a pure function of (dataset seed, split, sequence id), so its bytes
 * do not depend on partitioning, executor count or generation order. No RNG state is shared between sequences.
 */
public final class SequenceSeed {
    private SequenceSeed() {}

    // Fixed per-split salts (not String.hashCode or ordinal, so renaming or reordering cannot silently change data).
    private static final long SALT_TRAIN = 0x9E6C63D0676A9A99L;
    private static final long SALT_PROBE_TRAIN = 0x2F2A7C1B5D9E4F13L;
    private static final long SALT_TEST = 0xD1B54A32D192ED03L;

    /** The stream of sequence seqId of the given split of the data set with the given seed. */
    public static SplittableRandom stream(long datasetSeed, Split split, long seqId) {
        return new SplittableRandom(seed(datasetSeed, salt(split), seqId));
    }

    /** A 64-bit seed mixing the three inputs; each step is a bijective SplitMix64 finaliser. */
    static long seed(long datasetSeed, long salt, long id) {
        long h = mix64(datasetSeed + 0x632BE59BD9B4E019L);
        h = mix64(h ^ salt);
        return mix64(h + id * 0x9E3779B97F4A7C15L);
    }

    static long salt(Split split) {
        return switch (split) {
            case TRAIN -> SALT_TRAIN;
            case PROBE_TRAIN -> SALT_PROBE_TRAIN;
            case TEST -> SALT_TEST;
        };
    }

    /** SplitMix64's finaliser (Stafford variant 13), a bijection on 64-bit values with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
