package jepa.rl;

import jepa.world.CartPole;

import java.util.ArrayList;
import java.util.List;

/**
 * N CartPoles stepped together with automatic reset: when an episode ends, {@link #step} reports it (its final
 * observation, return and length) and the environment's next observation is already the new episode's first (the
 * convention of Gym's vector environments that CleanRL's PPO assumes). Episode k of environment i starts from
 * {@link RandomStreams#episode}(seed, i, k), so every environment's start states are a pure function of
 * (seed, environment index, episode).
 */
public final class VectorEnv {

    /** A finished episode: which environment, its index there, the sum of rewards, its steps, how it ended. */
    public record Episode(int env, long episode, double episodeReturn, int length, boolean truncated) {}

    /**
     * What one step of all environments gives. Arrays are indexed by environment; finalObservations holds the last
     * observation of an episode that ended in this step (index env·4), and is unspecified for the others; finalStates
     * the same states in double (for rendering), null for the others.
     */
    public record Step(double[] rewards, boolean[] terminated, boolean[] truncated, float[] finalObservations, CartPole.State[] finalStates,
                       List<Episode> episodes) {
        public boolean done(int env) { return terminated[env] || truncated[env]; }
    }

    private final long seed;
    private final CartPole[] envs;
    private final long[] episodes;
    private final double[] returns;
    private final int[] lengths;
    private final float[] observations;
    private long steps;

    public VectorEnv(int n, int maxEpisodeSteps, long seed) {
        if (n < 1) throw new IllegalArgumentException("need at least one environment, got " + n);
        this.seed = seed;
        this.envs = new CartPole[n];
        this.episodes = new long[n];
        this.returns = new double[n];
        this.lengths = new int[n];
        this.observations = new float[n * CartPole.STATE_DIM];
        for (int i = 0; i < n; i++) {
            envs[i] = new CartPole(maxEpisodeSteps);
            start(i);
        }
    }

    private void start(int i) {
        envs[i].reset(RandomStreams.episode(seed, i, episodes[i])).observation(observations, i * CartPole.STATE_DIM);
        returns[i] = 0;
        lengths[i] = 0;
    }

    public int size() { return envs.length; }

    /** Observation width: the 4 state components. */
    public int observationSize() { return CartPole.STATE_DIM; }

    /** The current observations, [size·4] (a live array: copy it before the next step if it must be kept). */
    public float[] observations() { return observations; }

    /** The current (double) state of environment i, for rendering. */
    public CartPole.State state(int i) { return envs[i].state(); }

    /** Environment steps taken so far, summed over environments. */
    public long steps() { return steps; }

    /** Steps every environment with its action and resets those whose episode ended. */
    public Step step(int[] actions) {
        int n = envs.length, d = CartPole.STATE_DIM;
        if (actions.length != n) throw new IllegalArgumentException("expected " + n + " actions, got " + actions.length);
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n], truncated = new boolean[n];
        float[] finals = new float[n * d];
        CartPole.State[] finalStates = new CartPole.State[n];
        List<Episode> ended = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CartPole.Step s = envs[i].step(actions[i]);
            rewards[i] = s.reward();
            terminated[i] = s.terminated();
            truncated[i] = s.truncated();
            returns[i] += s.reward();
            lengths[i]++;
            s.state().observation(observations, i * d);
            if (s.done()) {
                System.arraycopy(observations, i * d, finals, i * d, d);
                finalStates[i] = s.state();
                ended.add(new Episode(i, episodes[i], returns[i], lengths[i], s.truncated() && !s.terminated()));
                episodes[i]++;
                start(i);
            }
        }
        steps += n;
        return new Step(rewards, terminated, truncated, finals, finalStates, ended);
    }
}
