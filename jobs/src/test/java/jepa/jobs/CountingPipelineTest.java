package jepa.jobs;

import jepa.config.JepaConfig;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counting pipeline end to end on a tiny config — generate, the four variants, analysis, report — through SQL. */
class CountingPipelineTest extends SparkTest {
    @TempDir Path dir;

    private List<Row> sql(String q) { return Sql.query(spark, dir.toString(), q).collectAsList(); }

    @Test
    void generateTrainTheFourVariantsAndReport() throws Exception {
        JepaConfig cfg = JepaConfig.load(Path.of("../conf/counting.conf"), List.of("data-root=" + dir, "counting.image-size=48",
                "dataset.train=24", "dataset.probe-train=10", "dataset.test=8", "train.batch-size=8", "train.epochs=2",
                "train.log-every=4", "pjepa.bisimulation-episodes=10", "pjepa.figure-observations=16"));
        Pipeline.pipeline(spark, cfg);

        assertEquals(List.of("dynamics-only", "pjepa-random", "pjepa-reward", "reward-only"),
                sql("SELECT method FROM runs WHERE status = 'finished' ORDER BY 1").stream().map(r -> r.getString(0)).toList());
        List<Row> clusters = sql("SELECT r.method, count(*), min(c.step), min(c.nc_accuracy), max(c.nc_accuracy) FROM clusters c "
                + "JOIN runs r USING (run_id) GROUP BY 1 ORDER BY 1");
        assertEquals(4, clusters.size());
        for (Row r : clusters) {
            assertEquals(3L, r.getLong(1), "a row at the start and after each epoch: " + r);
            assertEquals(0L, r.getLong(2));
            assertTrue(r.getDouble(3) >= 0 && r.getDouble(4) <= 1, r.toString());
        }
        Row quotient = sql("SELECT classes, certified_pairs, run_id FROM bisimulation WHERE level = 'quotient'").get(0);
        assertEquals(9, quotient.getInt(0), "Prop. 2: nine classes");
        assertEquals(36L, quotient.getLong(1), "every pair of distinct counts is certified");
        assertNull(quotient.get(2));
        List<Row> t3 = sql("SELECT r.method, b.certified_pairs, b.min_certified_distance FROM bisimulation b JOIN runs r USING (run_id) ORDER BY 1");
        assertEquals(4, t3.size(), "Theorem 3 per run");
        long dataCertified = sql("SELECT certified_pairs FROM bisimulation WHERE level = 'observations' AND run_id IS NULL").get(0).getLong(0);
        for (Row r : t3) assertEquals(dataCertified, r.getLong(1), "the runs' D is the dataset's: " + r);

        Path report = dir.resolve("results/counting-report");
        for (String f : List.of("report.md", "clusters.csv", "theorem3.csv", "fig2.png", "fig2_pjepa-reward-s1_pca.csv",
                "fig2_pjepa-reward-s1_pca.png", "fig2_pjepa-reward-s1_distances.png", "fig2_pjepa-reward-s1_strip.png"))
            assertTrue(Files.size(report.resolve(f)) > 0, f);
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("| pjepa-reward |") && md.contains("| quotient |") && md.contains("fig2.png"), md);
        assertEquals(17, Files.readAllLines(report.resolve("fig2_pjepa-reward-s1_pca.csv")).size(), "header + 16 observations");
        // a second pipeline finds everything done and reports again
        Pipeline.pipeline(spark, cfg);
        assertEquals(4, sql("SELECT * FROM runs").size());
        assertEquals(2, sql("SELECT * FROM bisimulation WHERE run_id IS NULL").size(), "the data rows are replaced, not added");
    }
}
