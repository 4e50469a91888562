package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.train.Checkpoints;
import jepa.data.Batch;
import jepa.data.BatchAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train job with parameter averaging on local[2] (2 workers) against single-node training of the same model. */
class ParameterAveragingTest {
    @TempDir static Path dir;
    static SparkSession spark;

    static JepaConfig config(Path root, String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + root, "dataset.train=128", "dataset.probe-train=16", "dataset.test=16",
                "dataset.norm-batch=16", "dataset.norm-batches=2", "method.width=1", "method.embedding=16", "train.batch-size=16",
                "train.epochs=3", "train.warmup-epochs=1", "train.base-lr=3", "train.log-every=4", "train.parallel.workers=2",
                "train.parallel.averaging-frequency=2"));
        o.addAll(List.of(extra));
        return JepaConfig.load(null, o);
    }

    @BeforeAll
    static void start() {
        // the job's own session (Kryo with ND4J's registrator for parameter averaging), on local[2]
        spark = SparkSessions.create(config(dir, "train.parallel.mode=parameter-averaging"), "train", "local[2]");
    }

    @AfterAll
    static void stop() { spark.stop(); }

    @Test
    void parameterAveragingTrainsVicregAsFarAsSingleNode() throws Exception {
        // same optimiser steps: 3 epochs of 8 batches on one node, 6 epochs of 2 rounds × 2 steps on each of 2 workers
        JepaConfig single = config(dir), averaged = config(dir, "train.parallel.mode=parameter-averaging", "train.epochs=6");
        Generate.generate(spark, single, false);
        String s = Train.train(spark, single), a = Train.train(spark, averaged);
        assertTrue(s.contains("finished") && a.contains("finished"), s + "\n" + a);

        // the same held-out batch (the probe-train split) scored by the initial and both trained models, with batch
        // statistics in BatchNorm as in training (the initial model's running statistics are not estimates yet)
        Batch held = heldOut(single);
        NetworkMethod m = Methods.network(single.method());
        JepaNetwork init = m.build(JepaParams.of(single.method(), single.world(), single.train().seed()), 1, single.train(), 8);
        double l0 = score(init.graph(), m, held);
        double ls = score(Checkpoints.restore(Runs.of(single).dir().resolve("model.zip"), false), m, held);
        double la = score(Checkpoints.restore(Runs.of(averaged).dir().resolve("model.zip"), false), m, held);
        System.err.printf("held-out VICReg loss: initial %.4f, single node %.4f, parameter averaging %.4f%n", l0, ls, la);
        assertTrue(ls < 0.95 * l0, "single-node training lowers the loss: " + l0 + " -> " + ls);
        assertTrue(la < 0.95 * l0, "parameter averaging lowers the loss: " + l0 + " -> " + la);
        assertTrue(l0 - la > 0.7 * (l0 - ls), "comparable: single " + ls + ", averaged " + la + " (initial " + l0 + ")");

        List<Row> runs = Sql.query(spark, dir.toString(), "SELECT params['train.parallel.mode'], status, steps, epochs FROM runs ORDER BY 1 DESC").collectAsList();
        assertEquals(2, runs.size());
        assertEquals("single/finished/24/3", join(runs.get(0)), "3 epochs of 128/16 batches");
        assertEquals("parameter-averaging/finished/24/6", join(runs.get(1)), "each of 2 workers: 2 rounds of 2 steps an epoch");
        assertEquals(6L, Sql.query(spark, dir.toString(), "SELECT * FROM curves WHERE term = 'loss' AND run_id = '" + Runs.of(averaged).id() + "'").count(),
                "a loss point per epoch");
    }

    private static String join(Row r) { return r.get(0) + "/" + r.get(1) + "/" + r.get(2) + "/" + r.get(3); }

    private static Batch heldOut(JepaConfig cfg) {
        BatchAssembler asm = new BatchAssembler(Datasets.normalization(Datasets.metadata(spark, cfg)), cfg.world());
        List<BatchAssembler.Stored> seqs = new ArrayList<>();
        for (Row r : Datasets.split(spark, cfg, "probe_train").orderBy("seq_id").collectAsList()) seqs.add(Datasets.stored(r));
        return asm.assemble(seqs);
    }

    private static double score(ComputationGraph g, NetworkMethod m, Batch b) {
        return g.score(m.dataSet(b), true);
    }
}
