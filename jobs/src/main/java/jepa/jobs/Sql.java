package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import jepa.world.Worlds;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.lit;

/**
 * The {@code sql} job: one Spark SQL query over the data root. Every complete dataset is in its world's view
 * ({@code sequences} for the dot worlds, {@code counting} for the counting world, {@code cartpole} for CartPole; with
 * an extra {@code dataset} column naming its folder); result tables under {@code <data-root>/results/<table>} are
 * views of their own names.
 */
public final class Sql {
    /** Result tables that become views when they exist. */
    public static final List<String> TABLES = List.of("runs", "metrics", "diagnostics", "curves", "planning", "clusters", "bisimulation",
            "returns");

    private Sql() {}

    public static void run(Args args) {
        if (args.free().size() != 1) throw new ConfigError("usage: jepa sql [CONF] [key=value ...] [--csv] \"QUERY\"");
        JepaConfig cfg = args.config();
        SparkSession spark = SparkSessions.create(cfg, "sql", args.master());
        try {
            print(query(spark, cfg.dataRoot(), args.free().get(0)), args.csv(), Main.RESULTS);
        } finally {
            spark.stop();
        }
    }

    /** Registers the views over {@code dataRoot} and runs {@code sql}. */
    public static Dataset<Row> query(SparkSession spark, String dataRoot, String sql) {
        List<String> views = register(spark, dataRoot);
        try {
            return spark.sql(sql);
        } catch (Exception e) {   // AnalysisException (a bad query) is a checked exception thrown undeclared from Scala
            if (e instanceof org.apache.spark.sql.AnalysisException)
                throw new ConfigError("query failed: " + ((org.apache.spark.sql.AnalysisException) e).getSimpleMessage() + " (views: " + views + ")", e);
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e);
        }
    }

    /** Creates each world's dataset view and each existing result table's; returns their names. */
    public static List<String> register(SparkSession spark, String dataRoot) {
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        List<String> views = new ArrayList<>();
        Map<String, Dataset<Row>> byView = new LinkedHashMap<>();   // each world's datasets in the view it names
        for (String meta : files.glob(JepaConfig.join(dataRoot, "*", "*", Generate.METADATA))) {
            String dir = meta.substring(0, meta.length() - Generate.METADATA.length() - 1);
            Map<String, Object> m = files.readJson(meta);
            String world = String.valueOf(m.get("world"));
            String view = Worlds.kinds().contains(world) ? Worlds.of(world).view() : "sequences";   // a world no longer registered
            Dataset<Row> d = spark.read().parquet(dir).withColumn("dataset", lit(String.valueOf(m.get("dataset"))));
            byView.merge(view, d, (a, b) -> a.unionByName(b, true));
        }
        byView.forEach((view, d) -> {
            d.createOrReplaceTempView(view);
            views.add(view);
        });
        for (String t : TABLES) {
            String dir = JepaConfig.join(dataRoot, "results", t);
            if (files.exists(dir)) {
                spark.read().parquet(dir).createOrReplaceTempView(t);
                views.add(t);
            }
        }
        return views;
    }

    /** Prints Spark's table, or CSV with a header. */
    public static void print(Dataset<Row> result, boolean csv, PrintStream out) {
        if (!csv) {
            out.print(result.showString(1000, 0, false));
            return;
        }
        out.println(String.join(",", result.columns()));
        for (Row r : result.collectAsList()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length(); i++) {
                if (i > 0) b.append(',');
                b.append(csvField(r.isNullAt(i) ? "" : format(r.get(i))));
            }
            out.println(b);
        }
    }

    private static String format(Object v) {
        if (v instanceof byte[] bytes) return "<" + bytes.length + " bytes>";
        if (v instanceof scala.collection.Seq<?> seq) return seq.mkString("[", ";", "]");
        return String.valueOf(v);
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return '"' + s.replace("\"", "\"\"") + '"';
        return s;
    }
}
