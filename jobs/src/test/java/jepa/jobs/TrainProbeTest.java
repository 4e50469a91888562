package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.probe.Rmse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train → probe path end to end on a tiny dataset, checked through Spark SQL over the result tables. */
class TrainProbeTest extends SparkTest {
    @TempDir Path dir;

    private JepaConfig config(String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + dir, "dataset.train=64", "dataset.probe-train=48",
                "dataset.test=32", "dataset.norm-batch=16", "dataset.norm-batches=2", "method.width=1", "method.embedding=16",
                "train.batch-size=16", "train.epochs=2", "train.warmup-epochs=1", "train.log-every=2", "probe.batch-size=20"));
        o.addAll(Arrays.asList(extra));
        return JepaConfig.load(null, o);
    }

    private List<Row> sql(String q) { return Sql.query(spark, dir.toString(), q).collectAsList(); }

    @Test
    void trainThenProbeWritesRunsMetricsCurvesAndDiagnostics() {
        JepaConfig vicreg = config();
        Generate.generate(spark, vicreg, false);
        String trained = Train.train(spark, vicreg);
        assertTrue(trained.contains("finished"), trained);
        String probed = Probe.probe(spark, vicreg);
        assertTrue(probed.contains("rollout RMSE"), probed);
        JepaConfig random = config("method.name=random");
        Train.train(spark, random);
        Probe.probe(spark, random);
        JepaConfig center = config("method.name=center");
        Train.train(spark, center);
        Probe.probe(spark, center);

        List<Row> runs = sql("SELECT method, status, n_params, steps FROM runs ORDER BY method");
        assertEquals(3, runs.size());
        assertEquals("center", runs.get(0).getString(0));
        assertEquals("random", runs.get(1).getString(0));
        assertEquals(0L, runs.get(1).getLong(3), "random is not trained");
        assertEquals("vicreg", runs.get(2).getString(0));
        assertEquals(8L, runs.get(2).getLong(3), "2 epochs of 64/16 steps");
        for (Row r : runs) assertEquals("finished", r.getString(1));
        assertEquals(runs.get(1).getLong(2), runs.get(2).getLong(2), "random and vicreg share the network");

        // per step and dot: 17 rollout (test), 17 rollout_train and 1 encoder row per trained method, 17 for center
        List<Row> counts = sql("SELECT r.method, m.probe, count(*), min(m.step), max(m.step) FROM metrics m JOIN runs r USING (run_id) "
                + "GROUP BY r.method, m.probe ORDER BY 1, 2");
        assertEquals(List.of("center/rollout/17/0/16", "random/encoder/1/0/0", "random/rollout/17/0/16", "random/rollout_train/17/0/16",
                        "vicreg/encoder/1/0/0", "vicreg/rollout/17/0/16", "vicreg/rollout_train/17/0/16"),
                counts.stream().map(r -> r.get(0) + "/" + r.get(1) + "/" + r.get(2) + "/" + r.get(3) + "/" + r.get(4)).toList());
        for (Row r : sql("SELECT mse, rmse, rmse_px FROM metrics")) {
            assertEquals(Math.sqrt(r.getDouble(0)), r.getDouble(1), 1e-12);
            assertEquals(Math.sqrt(r.getDouble(0) * 2) * Rmse.RANGE_PX, r.getDouble(2), 1e-9, "Euclidean px = sqrt(2 mse) * 21.8");
        }
        assertTrue(sql("SELECT * FROM curves WHERE term = 'loss'").size() == 4, "a loss point every 2 of 8 steps");
        assertTrue(sql("SELECT DISTINCT epoch FROM diagnostics").size() == 3, "diagnostics at epochs 0, 1, 2");

        // re-running replaces the run's rows, never duplicates them
        Probe.probe(spark, vicreg);
        Train.train(spark, vicreg);
        assertEquals(3, sql("SELECT * FROM runs").size());
        assertEquals(35 + 35 + 17, sql("SELECT * FROM metrics").size());
    }

    @Test
    void centerThroughTheProbePathIsTheGeneratorsStatistic() {
        // 4,000 test sequences: the Center RMSE's sampling error is ~0.001 here
        for (String world : List.of("single", "three-dots")) {
            JepaConfig c = config("world.kind=" + world, "method.name=center", "dataset.test=4000", "dataset.train=16",
                    "dataset.probe-train=16", "noise.alpha=0", "probe.batch-size=500");
            Generate.generate(spark, c, false);
            Probe.probe(spark, c);
        }
        List<Row> perDot = sql("SELECT r.world, m.dot, sqrt(avg(m.mse)) FROM metrics m JOIN runs r USING (run_id) "
                + "WHERE m.probe = 'rollout' GROUP BY r.world, m.dot ORDER BY 1, 2");
        assertEquals(4, perDot.size());
        assertEquals(0.304, perDot.get(0).getDouble(2), 0.004, "single moving dot");
        assertEquals(0.304, perDot.get(1).getDouble(2), 0.004, "3-dot world, controlled dot");
        assertEquals(0.304, perDot.get(2).getDouble(2), 0.004, "3-dot world, random dot");
        assertEquals(0.289, perDot.get(3).getDouble(2), 0.004, "3-dot world, stationary dot");
    }

    @Test
    void sweepTaskAndTrainProbeJobsWriteTheSameMetrics(@TempDir Path other) {
        // the same run twice: the train + probe jobs over Parquet (the probe folded over 3 partitions), and a sweep task
        // on one node with its data streamed from the generator, into another data root
        JepaConfig jobs = config("spark.partitions=3");
        Generate.generate(spark, jobs, false);
        assertTrue(Train.train(spark, jobs).contains("finished"));
        Probe.probe(spark, jobs);
        JepaConfig sweep = jobs.with(List.of("data-root=" + other));
        Sweep.Rows task = Sweep.task(sweep);
        assertEquals(Runs.of(jobs).id(), task.runId(), "one config, one run id");
        List<Row> fromJobs = sql("SELECT probe, solver, step, dot, mse FROM metrics ORDER BY probe, solver, step, dot");
        List<Row> fromSweep = task.metrics().stream().sorted(java.util.Comparator.comparing((Row r) -> r.getString(1))
                .thenComparing(r -> r.getString(2)).thenComparingInt(r -> r.getInt(3)).thenComparingInt(r -> r.getInt(4))).toList();
        assertEquals(fromJobs.size(), fromSweep.size());
        assertEquals(35, fromJobs.size(), "17 rollout, 17 rollout_train and 1 encoder row");
        for (int i = 0; i < fromJobs.size(); i++) {
            Row a = fromJobs.get(i), b = fromSweep.get(i);
            String at = a.getString(0) + "/" + a.getString(1) + "/" + a.getInt(2) + "/" + a.getInt(3);
            assertEquals(at, b.getString(1) + "/" + b.getString(2) + "/" + b.getInt(3) + "/" + b.getInt(4));
            assertEquals(a.getDouble(4), b.getDouble(5), 1e-6 * Math.max(1, a.getDouble(4)), at);
        }
    }

    @Test
    void planningRowsLandInThePlanningView() {
        JepaConfig c = config("world.kind=two-rooms", "planning.episodes=3", "planning.planners=[cem,gradient]", "planning.samples=16",
                "planning.elites=4", "planning.iterations=2", "planning.gradient-steps=5");
        Generate.generate(spark, c, false);
        assertTrue(Train.train(spark, c).contains("finished"));
        Probe.probe(spark, c);
        List<Row> rows = sql("SELECT task, planner, episodes, success_rate, mean_final_px FROM planning ORDER BY task, planner");
        assertEquals(List.of("open/cem", "open/gradient", "open/oracle", "open/random", "wall/cem", "wall/gradient", "wall/oracle", "wall/random"),
                rows.stream().map(r -> r.getString(0) + "/" + r.getString(1)).toList());
        for (Row r : rows) {
            assertEquals(3, r.getInt(2));
            assertTrue(r.getDouble(3) >= 0 && r.getDouble(3) <= 1 && r.getDouble(4) >= 0);
        }
        assertEquals(1.0, rows.get(2).getDouble(3), 0, "the oracle reaches every open goal");
        assertTrue(java.nio.file.Files.exists(Runs.of(c).dir().resolve("planning.png")));
    }
}
