package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.settings.CountingConfig;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counting world's datasets: one row per observation of every episode (the view {@code counting}). An episode is
 * a pure function of (dataset seed, split, episode id), so the rows do not depend on partitioning. The last
 * observation of an episode has no action: its action and next_count are null.
 */
public final class CountingEpisodes {
    private CountingEpisodes() {}

    public static final StructType SCHEMA = new StructType()
            .add("episode", DataTypes.LongType, false).add("step", DataTypes.IntegerType, false)
            .add("count", DataTypes.IntegerType, false).add("action", DataTypes.FloatType, true)
            .add("next_count", DataTypes.IntegerType, true).add("reward", DataTypes.FloatType, false)
            .add("shape", DataTypes.StringType, false)
            .add("colour", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("frame", DataTypes.BinaryType, false);

    /** The rows of {@code episodes} episodes of one split, episodes spread over {@code parts} partitions. */
    static Dataset<Row> rows(SparkSession spark, JepaConfig cfg, Split split, long episodes, int parts) {
        CountingConfig counting = cfg.counting();
        long seed = cfg.dataset().seed();
        return spark.range(0, episodes, 1, (int) Math.max(1, Math.min(parts, episodes)))
                .flatMap((FlatMapFunction<Long, Row>) id -> rowsOf(new CountingWorld(counting).episode(seed, split, id)).iterator(),
                        Encoders.row(SCHEMA));
    }

    static List<Row> rowsOf(CountingWorld.Episode e) {
        List<Row> out = new ArrayList<>(e.steps().size());
        for (CountingWorld.Step s : e.steps()) {
            Integer[] colour = {s.colour()[0], s.colour()[1], s.colour()[2]};
            out.add(RowFactory.create(s.episode(), s.step(), s.count(), s.hasTransition() ? s.action() : null,
                    s.hasTransition() ? s.nextCount() : null, s.reward(), s.shape(), colour, s.frame()));
        }
        return out;
    }

    /** Writes every split under {@code staging}/split=&lt;id&gt;/ and returns the episode counts. */
    static Map<String, Long> write(SparkSession spark, JepaConfig cfg, String staging, int parts) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            long n = Generate.size(cfg, split);
            counts.put(split.id(), n);
            rows(spark, cfg, split, n, parts).write()
                    .option("parquet.enable.dictionary#frame", "false")   // unique images: no dictionary
                    .option("parquet.page.write-checksum.enabled", "false")
                    .parquet(JepaConfig.join(staging, "split=" + split.id()));
        }
        return counts;
    }

    static Map<String, Object> metadata(JepaConfig cfg, String snapshot, Map<String, Long> counts) {
        CountingConfig c = cfg.counting();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator_version", Generate.GENERATOR_VERSION);
        m.put("generator_config", snapshot);
        m.put("world", cfg.world().kind());
        m.put("dataset", cfg.dataset().resolvedName(cfg.noise()));
        m.put("channels", 3);
        m.put("image_size", c.imageSize());
        m.put("counts", counts);
        m.put("units", "counts: episodes per split; one row per observation; frame uint8 [3][" + c.imageSize() + "]["
                + c.imageSize() + "] channel-major; reward 1 iff count = counting.target; action null on an episode's last observation");
        m.put("config", cfg.render());
        return m;
    }
}
