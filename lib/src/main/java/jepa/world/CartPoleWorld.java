package jepa.world;

import jepa.settings.CartPoleConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The CartPole world of seed 003 ({@link CartPole}, frames by {@link CartPoleRenderer}). Its runs are agents
 * (PPO, with or without a JEPA-trained pixel encoder) that act in it and are judged by their returns, not by probes;
 * its dataset is random-policy episodes, one row per step.
 */
public record CartPoleWorld(String kind) implements World {
    public static final CartPoleWorld WORLD = new CartPoleWorld("cartpole");

    @Override public String view() { return "cartpole"; }

    @Override public List<String> evaluations() { return List.of(); }

    @Override public RunKind runKind() { return RunKind.ACT; }

    @Override public List<String> runSections() { return List.of("cartpole", "ppo", "agent"); }

    /**
     * One step of a dataset episode: the state the action is applied to, the action (0 pushes left, 1 right), the
     * reward and how the step ended, and the frame of the state (uint8, channels × height × width).
     */
    public record Step(long episode, int step, CartPole.State state, int action, double reward, boolean terminated, boolean truncated,
                       byte[] frame) {}

    // fixed salts: renaming must not change the data
    private static final long SALT_START = 0x2545F4914F6CDD1DL, SALT_POLICY = 0x7A39F0B3C52E1D69L;

    /**
     * Episode {@code episode} of the dataset: a start state and uniformly random actions, each from its own stream
     * seeded by (seed, episode), so an episode is a pure function of them and the dataset's bytes do not depend on
     * how episodes are spread over tasks.
     */
    public static List<Step> randomEpisode(CartPoleConfig c, long seed, long episode) {
        CartPole env = new CartPole(c.maxEpisodeSteps());
        CartPoleRenderer renderer = CartPoleRenderer.of(c);
        SplittableRandom policy = stream(seed, episode, SALT_POLICY);
        CartPole.State s = env.reset(stream(seed, episode, SALT_START));
        List<Step> out = new ArrayList<>();
        for (int t = 0; ; t++) {
            int a = policy.nextInt(CartPole.ACTIONS);
            CartPole.Step r = env.step(a);
            out.add(new Step(episode, t, s, a, r.reward(), r.terminated(), r.truncated(), renderer.render(s)));
            if (r.done()) return out;
            s = r.state();
        }
    }

    private static SplittableRandom stream(long seed, long episode, long salt) {
        return new SplittableRandom(SequenceSeed.seed(seed, salt, episode));
    }
}
