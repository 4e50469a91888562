package jepa.jobs;

import com.typesafe.config.ConfigValue;
import jepa.config.JepaConfig;
import jepa.probe.MetricRow;
import jepa.train.RunStatus;
import jepa.train.Trainer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's identity and its rows in the result tables. The run id names the method, world and dataset and ends with
 * the config hash (dataset generator config + method + train + probe sections), so the same config is the same run,
 * whichever job produced it.
 */
public final class Runs {
    private Runs() {}

    public record Run(String id, String hash, Path dir) {}

    /**
     * One row of the runs table. Training figures are zero for runs without training; {@code backend} is the
     * implementation that ran the hot layers (compute.backend resolved).
     */
    public record RunRecord(Run run, RunStatus status, String reason, Timestamp started, Timestamp finished, long nParams,
                            int epochs, long steps, double trainSeconds, double trainSeqPerS, String backend) {
        /** A run that has not trained (yet): no training figures. */
        static RunRecord untrained(Run run, RunStatus status, String reason, Timestamp started, Timestamp finished, String backend) {
            return new RunRecord(run, status, reason, started, finished, 0, 0, 0, 0, 0, backend);
        }

        /** A run with the trainer's outcome. */
        static RunRecord trained(Run run, Trainer.Outcome o, Timestamp started, Timestamp finished, String backend) {
            return new RunRecord(run, o.status(), o.reason(), started, finished, o.numParams(), o.epochsDone(), o.steps(),
                    o.trainSeconds(), o.sequencesPerSecond(), backend);
        }

        Row row(JepaConfig cfg) {
            return RowFactory.create(run.id(), cfg.method().name(), cfg.world().kind(), cfg.noise().kind(), cfg.noise().temporal(),
                    (float) cfg.noise().alpha(), cfg.train().seed(), cfg.dataset().resolvedName(cfg.noise()),
                    scala.collection.JavaConverters.mapAsScalaMap(new HashMap<>(params(cfg))), status.id(), reason, started, finished,
                    nParams, run.hash(), epochs, steps, trainSeconds, trainSeqPerS, backend);
        }
    }

    public static final StructType RUNS = new StructType()
            .add("run_id", DataTypes.StringType, false).add("method", DataTypes.StringType).add("world", DataTypes.StringType)
            .add("noise_kind", DataTypes.StringType).add("noise_temporal", DataTypes.StringType).add("alpha", DataTypes.FloatType)
            .add("seed", DataTypes.LongType).add("dataset", DataTypes.StringType)
            .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
            .add("status", DataTypes.StringType).add("reason", DataTypes.StringType)
            .add("started", DataTypes.TimestampType).add("finished", DataTypes.TimestampType)
            .add("n_params", DataTypes.LongType).add("config_hash", DataTypes.StringType)
            .add("epochs", DataTypes.IntegerType).add("steps", DataTypes.LongType)
            .add("train_seconds", DataTypes.DoubleType).add("train_seq_per_s", DataTypes.DoubleType)
            .add("backend", DataTypes.StringType);

    public static final StructType CURVES = new StructType()
            .add("run_id", DataTypes.StringType, false).add("step", DataTypes.LongType).add("term", DataTypes.StringType)
            .add("value", DataTypes.DoubleType);

    public static final StructType DIAGNOSTICS = new StructType()
            .add("run_id", DataTypes.StringType, false).add("epoch", DataTypes.IntegerType).add("source", DataTypes.StringType)
            .add("frame", DataTypes.IntegerType).add("feature_std", DataTypes.DoubleType).add("offdiag_cov", DataTypes.DoubleType)
            .add("rankme", DataTypes.DoubleType).add("eff_rank", DataTypes.DoubleType);

    /** One row per finished episode of an agent's run (acting worlds); variant = the method, seed = train.seed. */
    public static final StructType RETURNS = new StructType()
            .add("run_id", DataTypes.StringType, false).add("variant", DataTypes.StringType).add("seed", DataTypes.LongType)
            .add("env_step", DataTypes.LongType).add("episode_return", DataTypes.DoubleType).add("episode", DataTypes.LongType)
            .add("env", DataTypes.IntegerType).add("length", DataTypes.IntegerType).add("truncated", DataTypes.BooleanType);

    public static final StructType METRICS = new StructType()
            .add("run_id", DataTypes.StringType, false).add("probe", DataTypes.StringType).add("solver", DataTypes.StringType)
            .add("step", DataTypes.IntegerType).add("dot", DataTypes.IntegerType).add("mse", DataTypes.DoubleType)
            .add("rmse", DataTypes.DoubleType).add("rmse_px", DataTypes.DoubleType);

    public static final StructType PLANNING = new StructType()
            .add("run_id", DataTypes.StringType, false).add("planner", DataTypes.StringType).add("task", DataTypes.StringType)
            .add("episodes", DataTypes.IntegerType).add("success_rate", DataTypes.DoubleType).add("mean_final_px", DataTypes.DoubleType);

    /** Planning rows (schema {@link #PLANNING}). */
    public static List<Row> planningRows(Run run, List<jepa.plan.GoalReaching.Row> rows) {
        List<Row> out = new ArrayList<>();
        for (var p : rows) out.add(RowFactory.create(run.id(), p.planner(), p.task(), p.episodes(), p.successRate(), p.meanFinalPx()));
        return out;
    }

    public static Run of(JepaConfig cfg) {
        StringBuilder worldSections = new StringBuilder();
        for (String s : jepa.world.Worlds.of(cfg.world().kind()).runSections()) worldSections.append("\n").append(section(cfg, s));
        String hash = JepaConfig.hash(Generate.generatorSnapshot(cfg) + "\n" + section(cfg, "method") + "\n" + section(cfg, "train")
                + "\n" + section(cfg, "probe") + worldSections);
        String id = cfg.method().name() + "-" + cfg.world().kind() + "-" + cfg.dataset().resolvedName(cfg.noise()) + "-" + hash.substring(0, 8);
        return new Run(id, hash, Path.of(cfg.dataRoot(), "runs", id));
    }

    /** The method and train keys as strings (the runs table's params). */
    public static Map<String, String> params(JepaConfig cfg) {
        Map<String, String> m = new TreeMap<>();
        for (String s : List.of("method", "train"))
            for (Map.Entry<String, ConfigValue> e : cfg.raw().getConfig(s).entrySet())
                m.put(s + "." + e.getKey(), String.valueOf(e.getValue().unwrapped()));
        return m;
    }

    private static String section(JepaConfig cfg, String name) {
        return cfg.raw().getConfig(name).root().render(com.typesafe.config.ConfigRenderOptions.concise());
    }

    /** Replaces the run's row in the runs table; a null start keeps the start of the row it replaces. */
    public static void write(SparkSession spark, JepaConfig cfg, RunRecord r) {
        RunRecord w = r.started() != null ? r : new RunRecord(r.run(), r.status(), r.reason(), startedBefore(spark, cfg, r.run()),
                r.finished(), r.nParams(), r.epochs(), r.steps(), r.trainSeconds(), r.trainSeqPerS(), r.backend());
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "runs", List.of(w.row(cfg)), RUNS);
    }

    /** Metrics rows (schema {@link #METRICS}). */
    public static List<Row> metricRows(Run run, List<MetricRow> rows) {
        List<Row> out = new ArrayList<>();
        for (MetricRow m : rows) out.add(RowFactory.create(run.id(), m.probe(), m.solver(), m.step(), m.dot(), m.mse(), m.rmse(), m.rmsePx()));
        return out;
    }

    /** The started time of the run's existing row (null when it has none). */
    private static Timestamp startedBefore(SparkSession spark, JepaConfig cfg, Run run) {
        String part = JepaConfig.join(cfg.resultsDir(), "runs", "run_id=" + run.id());
        if (!new DataFiles(spark.sparkContext().hadoopConfiguration()).exists(part)) return null;
        List<Row> rows = spark.read().parquet(part).select("started").collectAsList();
        return rows.isEmpty() ? null : rows.get(0).getTimestamp(0);
    }

    /** Replaces the run's curves and diagnostics rows from the trainer's CSV files. */
    public static void writeTrainingTables(SparkSession spark, JepaConfig cfg, Run run) {
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "curves", curveRows(run), CURVES);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "diagnostics", diagnosticRows(run), DIAGNOSTICS);
    }

    /** The trainer's curves.csv as curves rows. */
    public static List<Row> curveRows(Run run) {
        List<Row> curves = new ArrayList<>();
        for (String[] f : csv(run.dir().resolve("curves.csv")))
            curves.add(RowFactory.create(run.id(), Long.parseLong(f[0]), f[1], Double.parseDouble(f[2])));
        return curves;
    }

    /** An agent run's returns.csv (env_step, episode, env, episode_return, length, truncated) as returns rows. */
    public static List<Row> returnRows(Run run, JepaConfig cfg) {
        List<Row> rows = new ArrayList<>();
        for (String[] f : csv(run.dir().resolve(jepa.train.AgentRuns.RETURNS)))
            rows.add(RowFactory.create(run.id(), cfg.method().name(), cfg.train().seed(), Long.parseLong(f[0]), Double.parseDouble(f[3]),
                    Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[4]), Boolean.parseBoolean(f[5])));
        return rows;
    }

    /** The trainer's diagnostics.csv as diagnostics rows. */
    public static List<Row> diagnosticRows(Run run) {
        List<Row> diag = new ArrayList<>();
        for (String[] f : csv(run.dir().resolve("diagnostics.csv")))
            diag.add(RowFactory.create(run.id(), Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])));
        return diag;
    }

    private static List<String[]> csv(Path f) {
        if (!Files.exists(f)) return List.of();
        try {
            List<String> lines = Files.readAllLines(f);
            List<String[]> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) out.add(l.split(","));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Timestamp now() { return new Timestamp(System.currentTimeMillis()); }
}
