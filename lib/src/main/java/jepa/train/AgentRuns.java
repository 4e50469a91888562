package jepa.train;

import jepa.config.JepaConfig;
import jepa.method.Agent;
import jepa.method.Methods;
import jepa.rl.AgentRun;
import jepa.rl.Ppo;
import jepa.rl.VectorEnv;
import jepa.settings.ConfigError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The run protocol of an acting world ({@code RunKind.ACT}): one {@link AgentRun} of the configured agent method,
 * seeded by train.seed. The run folder gets {@code returns.csv} (one row per finished episode: env_step, episode, env, episode_return, length,
 * truncated) and {@code curves.csv} (step, term, value — one row per term per update, step = the environment steps
 * at the end of the update's rollout): PPO's statistics and the encoder's terms (jepa_loss, embedding_variance,
 * collapsed, encoder_grad_norm). A run re-done starts over (no checkpoints: runs are minutes to an hour).
 */
public final class AgentRuns {
    public static final String RETURNS = "returns.csv", CURVES = "curves.csv";

    private AgentRuns() {}

    public static RunProtocol.Result run(JepaConfig cfg, Path dir, Consumer<String> log) {
        if (!(Methods.create(cfg.method()) instanceof Agent agent))
            throw new ConfigError("method " + cfg.method().name() + " is not an agent; world " + cfg.world().kind() + " runs agents");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(RETURNS));
            Files.deleteIfExists(dir.resolve(CURVES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CsvLog returns = new CsvLog(dir.resolve(RETURNS), "env_step,episode,env,episode_return,length,truncated");
        CsvLog curves = new CsvLog(dir.resolve(CURVES), "step,term,value");
        long seed = cfg.train().seed();
        int logEvery = Math.max(1, cfg.train().logEvery());
        AgentRun.Summary s = AgentRun.run(agent.variant(), cfg.cartpole(), cfg.ppo(), cfg.agent(), seed, cfg.dataset().seed(), new AgentRun.Listener() {
            @Override
            public void episode(long envStep, VectorEnv.Episode e) {
                returns.append(envStep, e.episode(), e.env(), e.episodeReturn(), e.length(), e.truncated());
            }

            @Override
            public void update(int update, long envStep, Ppo.UpdateStats st, Map<String, Double> terms, double windowMean) {
                Map<String, Double> all = new LinkedHashMap<>(terms);
                all.put("mean_return", windowMean);
                all.put("policy_loss", st.policyLoss());
                all.put("value_loss", st.valueLoss());
                all.put("entropy", st.entropy());
                all.put("approx_kl", st.approxKl());
                all.put("clip_fraction", st.clipFraction());
                all.put("grad_norm", st.gradNorm());
                all.put("explained_variance", st.explainedVariance());
                all.put("learning_rate", st.learningRate());
                all.forEach((k, v) -> { if (!Double.isNaN(v)) curves.append(envStep, k, v); });
                returns.flush();
                curves.flush();
                if (update % logEvery == 0 || update == 1)
                    log.accept(String.format(Locale.ROOT, "%s seed %d update %d env_step %d mean%d %.1f %s", agent.variant().id(), seed, update,
                            envStep, AgentRun.WINDOW, windowMean, format(terms)));
            }
        });
        returns.flush();
        curves.flush();
        log.accept(String.format(Locale.ROOT, "%s seed %d: %d env steps in %.0f s (%.1f env steps/s; rollout %.0f s, update %.0f s), %d episodes, "
                        + "final mean%d %.1f, solved (mean%d >= %.0f) at %s", agent.variant().id(), seed, s.envSteps(), s.wallSeconds(), s.stepsPerSecond(),
                s.rolloutSeconds(), s.updateSeconds(), s.episodes(), AgentRun.WINDOW, s.lastMean(), AgentRun.WINDOW, AgentRun.SOLVED,
                s.solvedAtStep() < 0 ? "never" : "env_step " + s.solvedAtStep()));
        Trainer.Outcome o = new Trainer.Outcome(RunStatus.FINISHED, "", s.updates(), s.envSteps(), s.wallSeconds(), s.stepsPerSecond(), s.parameters());
        return new RunProtocol.Result(o, List.of(), List.of());
    }

    private static String format(Map<String, Double> terms) {
        StringBuilder b = new StringBuilder();
        terms.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        return b.toString().trim();
    }
}
