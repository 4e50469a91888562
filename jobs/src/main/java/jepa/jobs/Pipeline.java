package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.config.SweepGrid;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job: every stage for one config — generate the dataset of every (world, noise) cell of the sweep (an
 * identical existing dataset is reused), then the sweep (finished runs are skipped), then the report (tables and
 * plots under data/results/report/), printed.
 */
public final class Pipeline {
    private Pipeline() {}

    public static void run(Args args) {
        JepaConfig cfg = args.config();
        Generate.checkNoiseSource(cfg.noise());
        SparkSession spark = SparkSessions.create(cfg, "pipeline", args.master());
        try {
            pipeline(spark, cfg);
        } finally {
            spark.stop();
        }
    }

    public static void pipeline(SparkSession spark, JepaConfig cfg) {
        for (JepaConfig d : datasets(cfg).values())
            Main.RESULTS.println("[generate] " + Generate.generate(spark, d, true).describe());
        Main.RESULTS.println(Sweep.sweep(spark, cfg));
        Report.ReportResult report = Report.report(spark, cfg);
        Main.RESULTS.println(report.markdown());
        Main.RESULTS.println("report files:");
        for (String f : report.files()) Main.RESULTS.println("  " + f);
    }

    /** One config per distinct dataset of the sweep's cells. */
    static Map<String, JepaConfig> datasets(JepaConfig cfg) {
        Map<String, JepaConfig> out = new LinkedHashMap<>();
        for (List<String> o : SweepGrid.expand(cfg)) {
            JepaConfig c = cfg.with(o);
            out.putIfAbsent(c.datasetDir(), c);
        }
        return out;
    }
}
