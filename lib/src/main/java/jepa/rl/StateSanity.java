package jepa.rl;

import jepa.config.ConfigError;
import jepa.config.PpoConfig;
import jepa.config.RlConfig;
import jepa.world.CartPole;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The state-based sanity run: PPO on CartPole's 4-D state (no encoder), to show the PPO pieces learn before pixels
 * and an encoder are put under them. Writes one CSV row (env_step, episode_return) per finished episode — env_step
 * counts the steps of all environments up to and including the one that ended it, as CleanRL's global_step — and
 * reports the first env_step at which the mean return of the last 20 finished episodes reached 475 (CartPole-v1's
 * "solved" level), the wall time and the environment steps per second of the whole rollout-and-update cycle.
 * <p>
 * {@code StateSanity OUTPUT.csv [--stop-when-solved] [key=value ...]} (keys of {@code rl-defaults.conf}), e.g.
 * {@code mvn -B -q -DskipTests install && mvn -B -q -pl lib exec:java -Dexec.mainClass=jepa.rl.StateSanity
 * -Dexec.args="data/rl/state-seed1.csv ppo.seed=1"}. Progress (losses, KL, clip fraction, gradient norm, explained
 * variance every 25 updates) goes to stderr, the summary to stdout. Plain Java: no ND4J, one core.
 */
public final class StateSanity {

    public static final double SOLVED = 475;
    public static final int WINDOW = 20;

    /** A run's outcome; solvedAtStep is −1 if never solved. Times in seconds. */
    public record Summary(long seed, long solvedAtStep, double solvedAtSeconds, long envSteps, double wallSeconds,
                          double rolloutSeconds, double updateSeconds, int episodes, double lastMean) {
        public double stepsPerSecond() { return envSteps / wallSeconds; }
    }

    /** Called for every finished episode and after every update (stats) — for logs and tests. */
    public interface Listener {
        default void episode(long envStep, VectorEnv.Episode episode) {}
        default void update(int update, long envStep, Ppo.UpdateStats stats, double windowMean) {}
    }

    private StateSanity() {}

    public static Summary run(RlConfig config, boolean stopWhenSolved, Listener listener) {
        PpoConfig p = config.ppo();
        int n = p.numEnvs(), steps = p.numSteps();
        VectorEnv env = new VectorEnv(n, config.cartpole().maxEpisodeSteps(), p.seed());
        Ppo ppo = new Ppo(p, env.observationSize(), CartPole.ACTIONS);
        int d = env.observationSize();
        RolloutBuffer buffer = new RolloutBuffer(steps, n, d);
        FeatureSource states = FeatureSource.states(buffer);
        ArrayDeque<Double> window = new ArrayDeque<>();
        double windowSum = 0;
        long solvedAt = -1;
        double solvedSeconds = -1, rollout = 0, updating = 0;
        int episodes = 0;
        long t0 = System.nanoTime();
        for (int u = 1; u <= p.numUpdates(); u++) {
            long r0 = System.nanoTime();
            for (int t = 0; t < steps; t++) {
                float[] obs = env.observations();
                Ppo.Act act = ppo.act(Ppo.features(obs), n);
                buffer.recordActions(t, obs, act.actions(), act.logProbs(), act.values());
                VectorEnv.Step s = env.step(act.actions());
                double[] truncationValues = new double[n];
                if (p.bootstrapTruncation()) {
                    for (int e = 0; e < n; e++)
                        if (s.truncated()[e] && !s.terminated()[e])
                            truncationValues[e] = ppo.values(Ppo.features(java.util.Arrays.copyOfRange(s.finalObservations(), e * d, e * d + d)), 1)[0];
                }
                buffer.recordOutcome(t, s.rewards(), s.terminated(), s.truncated(), truncationValues);
                for (VectorEnv.Episode ep : s.episodes()) {
                    episodes++;
                    window.addLast(ep.episodeReturn());
                    windowSum += ep.episodeReturn();
                    if (window.size() > WINDOW) windowSum -= window.removeFirst();
                    listener.episode(env.steps(), ep);
                    if (solvedAt < 0 && window.size() == WINDOW && windowSum / WINDOW >= SOLVED) {
                        solvedAt = env.steps();
                        solvedSeconds = (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            buffer.finish(ppo.values(Ppo.features(env.observations()), n), p.gamma(), p.gaeLambda());
            long r1 = System.nanoTime();
            Ppo.UpdateStats stats = ppo.update(buffer, states, u);
            long r2 = System.nanoTime();
            rollout += (r1 - r0) / 1e9;
            updating += (r2 - r1) / 1e9;
            listener.update(u, env.steps(), stats, window.isEmpty() ? Double.NaN : windowSum / window.size());
            if (stopWhenSolved && solvedAt >= 0) break;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Summary(p.seed(), solvedAt, solvedSeconds, env.steps(), wall, rollout, updating, episodes,
                window.isEmpty() ? Double.NaN : windowSum / window.size());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-") || args[0].contains("="))
            throw new ConfigError("usage: StateSanity OUTPUT.csv [--stop-when-solved] [key=value ...]");
        Path out = Path.of(args[0]);
        boolean stop = false;
        List<String> overrides = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--stop-when-solved")) stop = true;
            else overrides.add(args[i]);
        }
        RlConfig config = RlConfig.load(null, overrides);
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Summary s;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            w.println("env_step,episode_return");
            s = run(config, stop, new Listener() {
                @Override
                public void episode(long envStep, VectorEnv.Episode episode) {
                    w.printf(Locale.ROOT, "%d,%.1f%n", envStep, episode.episodeReturn());
                }

                @Override
                public void update(int update, long envStep, Ppo.UpdateStats st, double windowMean) {
                    if (update % 25 == 0 || update == 1)
                        System.err.printf(Locale.ROOT, "update %d  env_step %d  mean%d %.1f  lr %.2e  pg %.4f  v %.4f  ent %.4f  kl %.5f  clip %.3f  |g| %.3f  ev %.3f%n",
                                update, envStep, WINDOW, windowMean, st.learningRate(), st.policyLoss(), st.valueLoss(), st.entropy(),
                                st.approxKl(), st.clipFraction(), st.gradNorm(), st.explainedVariance());
                    w.flush();
                }
            });
        }
        System.out.printf(Locale.ROOT, "seed %d: solved (mean of last %d returns >= %.0f) at env_step %s%s; %d env steps, %d episodes, final mean%d %.1f;"
                        + " wall %.1f s (rollout %.1f s, update %.1f s), %.0f env steps/s%n",
                s.seed(), WINDOW, SOLVED, s.solvedAtStep() < 0 ? "never" : Long.toString(s.solvedAtStep()),
                s.solvedAtStep() < 0 ? "" : String.format(Locale.ROOT, " (%.1f s)", s.solvedAtSeconds()), s.envSteps(), s.episodes(), WINDOW,
                s.lastMean(), s.wallSeconds(), s.rolloutSeconds(), s.updateSeconds(), s.stepsPerSecond());
        System.out.println("config: " + config.render().replaceAll("\\s+", " "));
    }
}
