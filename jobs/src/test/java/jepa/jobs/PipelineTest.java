package jepa.jobs;

import jepa.config.JepaConfig;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job end to end on a tiny config — generate, sweep, report — checked through Spark SQL over its outputs. */
class PipelineTest extends SparkTest {
    @TempDir Path dir;

    private List<Row> sql(String q) { return Sql.query(spark, dir.toString(), q).collectAsList(); }

    @Test
    void generateSweepAndReportOnATinyConfig() throws Exception {
        JepaConfig cfg = JepaConfig.load(null, List.of("data-root=" + dir, "dataset.train=32", "dataset.probe-train=32",
                "dataset.test=32", "dataset.norm-batch=16", "dataset.norm-batches=2", "method.width=1", "method.embedding=8",
                "train.batch-size=16", "train.epochs=2", "train.warmup-epochs=1", "train.log-every=1", "probe.batch-size=16",
                "sweep.methods=[vicreg,random,center]", "sweep.noise-temporals=[changing,fixed]", "sweep.alphas=[1.0]",
                "sweep.seeds=[1]", "sweep.centres=config"));
        Pipeline.pipeline(spark, cfg);

        assertEquals(List.of("uniform-changing-a1-s1/probe_train/32", "uniform-changing-a1-s1/test/32",
                        "uniform-changing-a1-s1/train/32", "uniform-fixed-a1-s1/probe_train/32",
                        "uniform-fixed-a1-s1/test/32", "uniform-fixed-a1-s1/train/32"),
                sql("SELECT dataset, split, count(*) FROM sequences GROUP BY dataset, split ORDER BY 1, 2").stream()
                        .map(r -> r.get(0) + "/" + r.get(1) + "/" + r.get(2)).toList(), "both datasets, every split");
        List<Row> runs = sql("SELECT method, noise_temporal, status FROM runs ORDER BY 1, 2");
        assertEquals(List.of("center/changing/finished", "center/fixed/finished", "random/changing/finished", "random/fixed/finished",
                "vicreg/changing/finished", "vicreg/fixed/finished"), runs.stream().map(r -> r.get(0) + "/" + r.get(1) + "/" + r.get(2)).toList());
        List<Row> rmse = sql("SELECT r.method, r.noise_temporal, sqrt(avg(m.mse)) FROM metrics m JOIN runs r USING (run_id) "
                + "WHERE m.probe = 'rollout' GROUP BY 1, 2");
        assertEquals(6, rmse.size(), "a rollout RMSE per run");
        for (Row r : rmse) assertTrue(r.getDouble(2) > 0.01 && r.getDouble(2) < 1.0, "an RMSE in the paper's units: " + r);
        assertEquals(2, sql("SELECT DISTINCT run_id FROM curves").size(), "training curves of the two trained runs");

        Path report = dir.resolve("results/report");
        for (String f : List.of("report.md", "fig3.csv", "fig3.png", "per_step.csv", "per_step.png"))
            assertTrue(Files.size(report.resolve(f)) > 0, f);
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("### fixed uniform noise") && md.contains("### changing uniform noise") && md.contains("| vicreg |"), md);
        // the report's Fig. 3 cell equals the SQL over the metrics table
        double vicregChanging = sql("SELECT sqrt(avg(m.mse)) FROM metrics m JOIN runs r USING (run_id) WHERE m.probe = 'rollout' "
                + "AND r.method = 'vicreg' AND r.noise_temporal = 'changing'").get(0).getDouble(0);
        List<Row> fig3 = spark.read().option("header", true).csv(report.resolve("fig3.csv").toString())
                .where("method = 'vicreg' AND noise_temporal = 'changing'").select("rmse_mean").collectAsList();
        assertEquals(1, fig3.size());
        assertEquals(vicregChanging, Double.parseDouble(fig3.get(0).getString(0)), 1e-9);
    }
}
