package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.settings.CartPoleConfig;
import jepa.world.CartPoleWorld;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The generate job's part for the CartPole world: cartpole.episodes random-policy episodes
 * ({@link CartPoleWorld#randomEpisode}), one row per step, in the {@code cartpole} view's columns: episode, step,
 * x, x_dot, theta, theta_dot (the state the action is applied to), action (0 left, 1 right), reward, terminated,
 * truncated, frame (uint8, channels × height × width, of that state). Each episode is a pure function of
 * (dataset.seed, episode), so the rows do not depend on partitioning.
 */
final class CartPoleEpisodes {
    /** Bumped whenever the bytes a config produces change. */
    static final String VERSION = "1";

    private CartPoleEpisodes() {}

    /** The part of the config that determines the bytes. */
    static String snapshot(JepaConfig cfg) {
        return "version=" + VERSION + " world=" + cfg.world().kind() + " " + cfg.cartpole() + " seed=" + cfg.dataset().seed();
    }

    static Dataset<Row> rows(SparkSession spark, JepaConfig cfg, int parts) {
        long n = cfg.cartpole().episodes();
        Dataset<CartPoleRow> rows = spark.range(0, n, 1, (int) Math.max(1, Math.min(parts, n)))
                .flatMap(new Steps(cfg.cartpole(), cfg.dataset().seed()), Encoders.bean(CartPoleRow.class));
        return rows.select(col("episode"), col("step"), col("x"), col("XDot").as("x_dot"), col("theta"), col("thetaDot").as("theta_dot"),
                col("action"), col("reward"), col("terminated"), col("truncated"), col("frame"));
    }

    /** Writes the episodes into {@code folder}; returns the counts (episodes, steps). */
    static Map<String, Long> write(SparkSession spark, JepaConfig cfg, String folder, int parts) {
        Dataset<Row> rows = rows(spark, cfg, parts);
        rows.write().option("parquet.enable.dictionary#frame", "false").parquet(folder);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("episodes", cfg.cartpole().episodes());
        counts.put("steps", spark.read().parquet(folder).count());
        return counts;
    }

    static Map<String, Object> metadata(JepaConfig cfg, String snapshot, Map<String, Long> counts) {
        CartPoleConfig c = cfg.cartpole();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator_version", VERSION);
        m.put("generator_config", snapshot);
        m.put("world", cfg.world().kind());
        m.put("dataset", cfg.dataset().resolvedName(cfg.noise()));
        m.put("policy", "uniform random actions");
        m.put("channels", c.channels());
        m.put("frame_height", c.frameHeight());
        m.put("frame_width", c.frameWidth());
        m.put("counts", counts);
        m.put("units", "x m, x_dot m/s, theta rad (0 upright, positive leans towards +x), theta_dot rad/s: the state the action is applied to; "
                + "action 0 pushes left, 1 right; frame uint8 [channels][height][width] of that state");
        m.put("config", cfg.render());
        return m;
    }

    /** The steps of each episode id, lazily, one episode at a time. */
    static final class Steps implements FlatMapFunction<Long, CartPoleRow> {
        private final CartPoleConfig config;
        private final long seed;

        Steps(CartPoleConfig config, long seed) {
            this.config = config;
            this.seed = seed;
        }

        @Override
        public Iterator<CartPoleRow> call(Long episode) {
            List<CartPoleRow> out = new ArrayList<>();
            for (CartPoleWorld.Step s : CartPoleWorld.randomEpisode(config, seed, episode))
                out.add(new CartPoleRow(s.episode(), s.step(), s.state().x(), s.state().xDot(), s.state().theta(), s.state().thetaDot(),
                        s.action(), (float) s.reward(), s.terminated(), s.truncated(), s.frame()));
            return out.iterator();
        }
    }
}
