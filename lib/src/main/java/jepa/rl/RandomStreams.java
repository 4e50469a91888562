package jepa.rl;

import java.util.SplittableRandom;

/**
 * The independent random streams of an RL run, each a pure function of the run's seed and what it is for: one per
 * (environment index, episode) for start states, and one each for the initial parameters, the policy's action
 * samples and the minibatch shuffles. So an environment's episodes do not depend on the agent, the number of
 * environments beside it, or the order in which anything runs.
 */
public final class RandomStreams {
    private RandomStreams() {}

    // Fixed salts (not hash codes of names: renaming must not change runs).
    private static final long SALT_EPISODE = 0x3C6EF372FE94F82BL;
    private static final long SALT_INIT = 0xA54FF53A5F1D36F1L;
    private static final long SALT_ACTIONS = 0x510E527FADE682D1L;
    private static final long SALT_MINIBATCHES = 0x9B05688C2B3E6C1FL;

    /** The stream of episode {@code episode} (0, 1, …) of environment {@code env}. */
    public static SplittableRandom episode(long seed, int env, long episode) {
        return new SplittableRandom(mix64(mix64(seed(seed, SALT_EPISODE) + env * 0x9E3779B97F4A7C15L) + episode * 0xC2B2AE3D27D4EB4FL));
    }

    public static SplittableRandom init(long seed) { return new SplittableRandom(seed(seed, SALT_INIT)); }

    public static SplittableRandom actions(long seed) { return new SplittableRandom(seed(seed, SALT_ACTIONS)); }

    public static SplittableRandom minibatches(long seed) { return new SplittableRandom(seed(seed, SALT_MINIBATCHES)); }

    private static long seed(long seed, long salt) { return mix64(mix64(seed + 0x632BE59BD9B4E019L) ^ salt); }

    /** SplitMix64's finaliser, a bijection with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
