package jepa.rl;

import jepa.accel.Backend;
import jepa.settings.AgentConfig;
import jepa.settings.CartPoleConfig;
import jepa.settings.PpoConfig;
import jepa.world.CartPole;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * One run of seed 003: PPO on CartPole for ppo.total-steps environment steps, on the 4-D state or on frames through
 * the pixel encoder, as the {@link Variant} says. Each update: a rollout of num-steps steps of the num-envs
 * environments (the policy acts on the features of the current observations; time-limit ends bootstrap with the
 * value of the final observation), GAE, then the PPO update, in which a pixel encoder trains along (JEPA losses,
 * and PPO's gradient under ∇). A listener gets every finished episode — env_step counts the steps of all
 * environments up to and including the one that ended it, as CleanRL's global_step — and every update's
 * statistics and the encoder's terms. The run is a pure function of its configuration, seed and compute backend
 * (the project's ViT runtime, or SameDiff graphs under compute.backend = stock).
 */
public final class AgentRun {

    /** CartPole-v1's solved level: the mean return of the last {@link #WINDOW} episodes. */
    public static final double SOLVED = 475;
    public static final int WINDOW = 20;

    /** A run's outcome; solvedAtStep is −1 if never solved. Times in seconds. */
    public record Summary(Variant variant, long seed, long solvedAtStep, long envSteps, int updates, double wallSeconds, double rolloutSeconds,
                          double updateSeconds, int episodes, double lastMean, long parameters) {
        public double stepsPerSecond() { return envSteps / wallSeconds; }
    }

    /** Called for every finished episode and after every update. */
    public interface Listener {
        default void episode(long envStep, VectorEnv.Episode episode) {}
        default void update(int update, long envStep, Ppo.UpdateStats stats, Map<String, Double> terms, double windowMean) {}
    }

    private AgentRun() {}

    /** A run of {@code variant}; datasetSeed: the random-policy dataset's (the pixel input's standardisation). */
    public static Summary run(Variant variant, CartPoleConfig cartpole, PpoConfig p, AgentConfig agent, long seed, long datasetSeed, Listener listener) {
        int n = p.numEnvs(), steps = p.numSteps();
        VectorEnv env = new VectorEnv(n, cartpole.maxEpisodeSteps(), seed);
        RolloutBuffer buffer = new RolloutBuffer(steps, n, env.observationSize());
        FeatureSource source = variant.pixels()
                ? new JepaEncoder(variant, agent, cartpole, FrameNormalization.of(agent.input(), cartpole, datasetSeed), p.adamEps(), env, buffer, seed,
                        Backend.current(), DataType.FLOAT)
                : FeatureSource.states(buffer);
        Ppo ppo = new Ppo(p, source.size(), CartPole.ACTIONS, seed, variant.encoderGradient());
        long parameters = ppo.model().params().length + (source instanceof JepaEncoder j ? j.trainedParameters() : 0);
        ArrayDeque<Double> window = new ArrayDeque<>();
        double windowSum = 0, rollout = 0, updating = 0;
        long solvedAt = -1;
        int episodes = 0, updates = 0;
        long t0 = System.nanoTime();
        for (int u = 1; u <= p.numUpdates(); u++) {
            long r0 = System.nanoTime();
            for (int t = 0; t < steps; t++) {
                Ppo.Act act = ppo.act(source.current(env), n);
                buffer.recordActions(t, env.observations(), act.actions(), act.logProbs(), act.values());
                source.record(t, env);
                VectorEnv.Step s = env.step(act.actions());
                source.stepped(t, env, s);
                double[] truncationValues = new double[n];
                if (p.bootstrapTruncation())
                    for (int e = 0; e < n; e++)
                        if (s.truncated()[e] && !s.terminated()[e]) truncationValues[e] = ppo.values(source.last(e, s), 1)[0];
                buffer.recordOutcome(t, s.rewards(), s.terminated(), s.truncated(), truncationValues);
                for (VectorEnv.Episode ep : s.episodes()) {
                    episodes++;
                    window.addLast(ep.episodeReturn());
                    windowSum += ep.episodeReturn();
                    if (window.size() > WINDOW) windowSum -= window.removeFirst();
                    listener.episode(env.steps(), ep);
                    if (solvedAt < 0 && window.size() == WINDOW && windowSum / WINDOW >= SOLVED) solvedAt = env.steps();
                }
            }
            buffer.finish(ppo.values(source.current(env), n), p.gamma(), p.gaeLambda());
            long r1 = System.nanoTime();
            Ppo.UpdateStats stats = ppo.update(buffer, source, u);
            long r2 = System.nanoTime();
            rollout += (r1 - r0) / 1e9;
            updating += (r2 - r1) / 1e9;
            updates = u;
            listener.update(u, env.steps(), stats, source.terms(), window.isEmpty() ? Double.NaN : windowSum / window.size());
        }
        return new Summary(variant, seed, solvedAt, env.steps(), updates, (System.nanoTime() - t0) / 1e9, rollout, updating, episodes,
                window.isEmpty() ? Double.NaN : windowSum / window.size(), parameters);
    }
}
