package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.config.SweepGrid;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny sweep end to end: runs as Spark tasks, failures recorded, finished runs skipped on a re-run. */
class SweepTest extends SparkTest {
    @TempDir Path dir;

    private JepaConfig config(String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + dir, "dataset.train=32", "dataset.probe-train=32",
                "dataset.test=32", "dataset.norm-batch=16", "dataset.norm-batches=2", "method.width=1", "method.embedding=8",
                "train.batch-size=16", "train.epochs=2", "train.warmup-epochs=1", "train.log-every=1", "probe.batch-size=16",
                "sweep.methods=[vicreg,random,center]", "sweep.noise-temporals=[changing,fixed]", "sweep.alphas=[1.0]", "sweep.seeds=[1]"));
        o.addAll(Arrays.asList(extra));
        return JepaConfig.load(null, o);
    }

    private List<Row> sql(String q) { return Sql.query(spark, dir.toString(), q).collectAsList(); }

    @Test
    void sweepRunsEveryCellOnceAndSkipsFinishedRuns() {
        JepaConfig cfg = config();
        assertEquals(6, SweepGrid.expand(cfg).size(), "2 temporals x (vicreg, random, center)");
        String first = Sweep.sweep(spark, cfg);
        assertTrue(first.contains("6 runs done") && first.contains("(0 failed)"), first);
        List<Row> runs = sql("SELECT method, noise_temporal, status FROM runs ORDER BY method, noise_temporal");
        assertEquals(6, runs.size());
        for (Row r : runs) assertEquals("finished", r.getString(2), r.toString());
        assertEquals(4 * 35 + 2 * 17, sql("SELECT * FROM metrics").size(), "rollout 17 + rollout_train 17 + encoder 1 per trained run; 17 per center");
        assertTrue(sql("SELECT * FROM curves").size() > 0);
        String again = Sweep.sweep(spark, cfg);
        assertTrue(again.contains("nothing to do"), again);
        assertEquals(6, sql("SELECT * FROM runs").size(), "no duplicate rows");
    }

    @Test
    void aDivergingRunIsRecordedAsFailedAndTheSweepGoesOn() {
        JepaConfig cfg = config("train.base-lr=1e30", "train.eta=1e30", "sweep.centres=config", "sweep.methods=[vicreg,center]",
                "sweep.noise-temporals=[changing]");
        String out = Sweep.sweep(spark, cfg);
        assertTrue(out.contains("2 runs done") && out.contains("(1 failed)"), out);
        List<Row> runs = sql("SELECT method, status, reason FROM runs ORDER BY method");
        assertEquals("center", runs.get(0).getString(0));
        assertEquals("finished", runs.get(0).getString(1));
        assertEquals("vicreg", runs.get(1).getString(0));
        assertEquals("failed", runs.get(1).getString(1));
        assertTrue(!runs.get(1).getString(2).isEmpty(), "the reason is recorded");
        assertEquals(0, sql("SELECT * FROM metrics m JOIN runs r USING (run_id) WHERE r.method = 'vicreg'").size(),
                "a failed run gets no probe numbers");
        // failed runs are re-done on the next sweep, finished ones skipped
        assertTrue(Sweep.sweep(spark, cfg).contains("1 skipped as finished"));
    }
}
