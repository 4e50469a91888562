package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.train.RunState;
import jepa.train.Trainer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter-averaging training on a real standalone cluster (loopback, 2 one-core workers, executors in their own
 * JVMs), with one executor killed while it runs a training task: the lost tasks re-run, the run finishes, and its
 * rows are complete and not duplicated.
 */
class ClusterTrainTest {
    @TempDir Path dir;

    @Test
    void parameterAveragingSurvivesAKilledExecutor() throws Exception {
        JepaConfig cfg = ParameterAveragingTest.config(dir.resolve("data"), "train.parallel.mode=parameter-averaging", "train.epochs=3",
                "dataset.train=1024", "train.parallel.averaging-frequency=32"); // one round of 32 steps per worker an epoch: tasks long enough to kill on a fast machine
        try (LoopbackCluster cluster = LoopbackCluster.start(dir.resolve("spark"), 2)) {
            SparkSession spark = SparkSession.builder().master(cluster.master()).appName("jepa-cluster-test")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.executor.cores", "1").config("spark.cores.max", "2").config("spark.executor.memory", "1500m")
                    .config("spark.executor.extraClassPath", cluster.extraClassPath())
                    .config("spark.executor.extraJavaOptions", LoopbackCluster.OPENS + " -Dorg.bytedeco.javacpp.maxbytes=2G")
                    .config("spark.executorEnv.OMP_NUM_THREADS", "1").config("spark.sql.shuffle.partitions", "2")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                    .getOrCreate();
            try {
                Map<Long, String> running = new ConcurrentHashMap<>();
                Map<Long, Long> startedAt = new ConcurrentHashMap<>();
                AtomicInteger removed = new AtomicInteger(), lostTasks = new AtomicInteger();
                spark.sparkContext().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskStart(SparkListenerTaskStart e) {
                        startedAt.put(e.taskInfo().taskId(), System.nanoTime());
                        running.put(e.taskInfo().taskId(), e.taskInfo().executorId());
                    }

                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd e) {
                        running.remove(e.taskInfo().taskId());
                        if (!(e.reason() instanceof org.apache.spark.Success$)) lostTasks.incrementAndGet();
                    }

                    @Override public void onExecutorRemoved(SparkListenerExecutorRemoved e) { removed.incrementAndGet(); }
                });
                Generate.generate(spark, cfg, false);
                Runs.Run run = Runs.of(cfg);
                CompletableFuture<String> training = CompletableFuture.supplyAsync(() -> Train.train(spark, cfg));

                // after the first epoch's checkpoint, kill the JVM of an executor while it runs a task (one that has run
                // for a while, so the kill lands inside the training task rather than after it)
                String appId = spark.sparkContext().applicationId();
                boolean killed = false;
                for (int t = 0; t < 6000 && !killed && !training.isDone(); t++) {
                    Thread.sleep(50);
                    RunState s = Trainer.state(run.dir());
                    if (s == null || s.epochsDone() < 1) continue;
                    for (Map.Entry<Long, String> task : running.entrySet()) {
                        Long t0 = startedAt.get(task.getKey());
                        if (t0 == null || System.nanoTime() - t0 < 150_000_000L) continue;
                        Optional<ProcessHandle> p = cluster.executor(appId, task.getValue());
                        if (p.isPresent()) {
                            p.get().destroyForcibly();
                            killed = true;
                            break;
                        }
                    }
                }
                if (!killed) training.get();       // surfaces a training failure
                assertTrue(killed, "an executor was killed mid-run");
                String result = training.get(10, TimeUnit.MINUTES);
                assertTrue(result.contains("finished"), result);
                assertTrue(removed.get() >= 1, "the killed executor was removed");
                assertTrue(lostTasks.get() >= 1, "the killed executor's task failed (and was re-run)");

                List<Row> runs = Sql.query(spark, cfg.dataRoot(), "SELECT status, epochs, steps FROM runs").collectAsList();
                assertEquals(1, runs.size(), "one run row");
                assertEquals("finished/3/96", runs.get(0).get(0) + "/" + runs.get(0).get(1) + "/" + runs.get(0).get(2));
                List<Row> loss = Sql.query(spark, cfg.dataRoot(), "SELECT step, count(*) FROM curves WHERE term = 'loss' GROUP BY step ORDER BY step").collectAsList();
                assertEquals(List.of("32/1", "64/1", "96/1"), loss.stream().map(r -> r.get(0) + "/" + r.get(1)).toList(), "a loss row per epoch, none twice");
                assertEquals(3L, Sql.query(spark, cfg.dataRoot(), "SELECT DISTINCT epoch FROM diagnostics WHERE epoch > 0").count());
            } finally {
                spark.stop();
            }
        }
    }
}
