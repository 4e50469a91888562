package jepa.jobs;

import jepa.analysis.Bisimulation;
import jepa.analysis.Transitions;
import jepa.config.JepaConfig;
import jepa.settings.CountingConfig;
import jepa.train.CountingRun;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The counting world's result tables, partitioned by run_id like the others: {@code clusters} (one row per evaluated
 * checkpoint of a run, from its clusters.csv) and {@code bisimulation} (Def. 4 / Theorem 3: per dataset the count
 * quotient's and the observations' largest bisimulation with run_id null — on one node, or as a Spark job
 * ({@link SparkBisimulation}) beyond the bit matrix's size —, and per trained run Theorem 3's check at its
 * last checkpoint, from its theorem3.csv).
 */
public final class CountingTables {
    private CountingTables() {}

    public static final StructType CLUSTERS = new StructType()
            .add("run_id", DataTypes.StringType, false).add("step", DataTypes.LongType).add("nc_accuracy", DataTypes.DoubleType)
            .add("rankme", DataTypes.DoubleType).add("feature_std", DataTypes.DoubleType).add("within_dist", DataTypes.DoubleType)
            .add("across_dist", DataTypes.DoubleType);

    public static final StructType BISIMULATION = new StructType()
            .add("dataset", DataTypes.StringType).add("level", DataTypes.StringType).add("classes", DataTypes.IntegerType)
            .add("certified_pairs", DataTypes.LongType).add("run_id", DataTypes.StringType)
            .add("min_certified_distance", DataTypes.DoubleType).add("median_within_distance", DataTypes.DoubleType)
            .add("states", DataTypes.IntegerType).add("sources", DataTypes.IntegerType).add("step", DataTypes.LongType);

    public static final String QUOTIENT = "quotient", OBSERVATIONS = "observations";

    /** A run's clusters rows (none when it has no clusters.csv: a dot-world run). */
    static List<Row> clusterRows(Runs.Run run) {
        List<Row> out = new ArrayList<>();
        for (String[] f : csv(run.dir().resolve(CountingRun.CLUSTERS)))
            out.add(RowFactory.create(run.id(), Long.parseLong(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5])));
        return out;
    }

    /** A run's Theorem 3 row (none without a theorem3.csv). */
    static List<Row> bisimulationRows(Runs.Run run, JepaConfig cfg) {
        List<Row> out = new ArrayList<>();
        for (String[] f : csv(run.dir().resolve(CountingRun.THEOREM3)))
            out.add(RowFactory.create(cfg.dataset().resolvedName(cfg.noise()), OBSERVATIONS, f[3].isEmpty() ? null : Integer.parseInt(f[3]),
                    Long.parseLong(f[4]), run.id(), d(f[5]), d(f[6]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[0])));
        return out;
    }

    /**
     * The dataset's own rows (run_id null): the count quotient of App. C and the observations of D (the first
     * pjepa.bisimulation-episodes training episodes, read from the generated Parquet), the same D as its runs' Theorem 3.
     */
    static List<Row> dataRows(SparkSession spark, JepaConfig cfg) {
        String name = cfg.dataset().resolvedName(cfg.noise());
        CountingConfig c = cfg.counting();
        Bisimulation.Result q = Bisimulation.solve(Transitions.countQuotient(c));
        long episodes = Math.min(cfg.pjepa().bisimulationEpisodes(), cfg.dataset().train());
        List<Row> rows = spark.read().parquet(JepaConfig.join(cfg.datasetDir(), "split=" + Split.TRAIN.id()))
                .where(col("episode").lt(episodes)).select("episode", "step", "count", "action", "next_count", "reward", "shape")
                .orderBy("episode", "step").collectAsList();
        List<CountingWorld.Episode> eps = new ArrayList<>();
        List<CountingWorld.Step> steps = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            boolean last = r.isNullAt(4);
            steps.add(new CountingWorld.Step(r.getLong(0), r.getInt(1), r.getInt(2), last ? Float.NaN : r.getFloat(3),
                    last ? CountingWorld.NO_NEXT : r.getInt(4), r.getFloat(5), r.getString(6), null, null));
            if (last) {
                eps.add(new CountingWorld.Episode(r.getLong(0), r.getString(6), null, List.copyOf(steps)));
                steps.clear();
            }
        }
        Transitions d = Transitions.of(new CountingWorld(c), eps);
        Row quotient = RowFactory.create(name, QUOTIENT, q.isEquivalence() ? q.classes() : null, q.certifiedPairs(), null, null, null, q.states(), q.sources(), null);
        if (d.states() > Bisimulation.MAX_STATES) {   // too many pairs for one node's bit matrix: R* as a Spark job
            int sources = (int) java.util.Arrays.stream(d.source()).distinct().count();
            return List.of(quotient, RowFactory.create(name, OBSERVATIONS, null, SparkBisimulation.certifiedPairs(spark, d), null, null, null,
                    d.states(), sources, null));
        }
        Bisimulation.Result o = Bisimulation.solve(d);
        return List.of(quotient,
                RowFactory.create(name, OBSERVATIONS, o.isEquivalence() ? o.classes() : null, o.certifiedPairs(), null, null, null, o.states(), o.sources(), null));
    }

    /** Replaces the data rows (run_id null) of these datasets, keeping other datasets' data rows. */
    static void writeDataRows(SparkSession spark, String dataRoot, List<Row> rows) {
        if (rows.isEmpty()) return;
        List<Row> keep = new ArrayList<>(rows);
        String path = JepaConfig.join(dataRoot, "results", "bisimulation");
        if (new DataFiles(spark.sparkContext().hadoopConfiguration()).exists(path)) {
            List<String> replaced = rows.stream().map(r -> r.getString(0)).distinct().toList();
            Dataset<Row> old = spark.read().schema(BISIMULATION).parquet(path).where(col("run_id").isNull());
            for (Row r : old.select(BISIMULATION.fieldNames()[0], java.util.Arrays.copyOfRange(BISIMULATION.fieldNames(), 1, BISIMULATION.size())).collectAsList())
                if (!replaced.contains(r.getString(0))) keep.add(r);
        }
        ResultTables.replaceRuns(spark, dataRoot, "bisimulation", keep, BISIMULATION);
    }

    private static double d(String s) { return s.isEmpty() ? Double.NaN : Double.parseDouble(s); }

    private static List<String[]> csv(Path f) {
        if (!Files.exists(f)) return List.of();
        try {
            List<String> lines = Files.readAllLines(f);
            List<String[]> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) out.add(l.split(",", -1));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
