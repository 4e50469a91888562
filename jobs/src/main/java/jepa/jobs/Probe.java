package jepa.jobs;

import jepa.config.ConfigError;
import jepa.config.JepaConfig;
import jepa.config.MethodConfig;
import jepa.config.ProbeConfig;
import jepa.config.WorldConfig;
import jepa.method.Center;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.ProbeLoss;
import jepa.probe.LinearProbe;
import jepa.probe.MetricRow;
import jepa.probe.ProbeData;
import jepa.probe.ProbeEvaluation;
import jepa.probe.Rmse;
import jepa.train.Batch;
import jepa.train.BatchAssembler;
import jepa.train.RunState;
import jepa.train.SingleNodeRun;
import jepa.train.Trainer;
import jepa.world.Normalization;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code probe} job (reference §5): representations of the probe-train and test splits from the trained
 * network (frame 1 encoded, frames 2..17 from the GRU rollout; inference-mode BatchNorm), computed on the executors;
 * one linear probe without bias shared over the 17 steps, fitted on probe-train (exact least squares with
 * spark-mllib, or the reference's Adam), evaluated on test; the encoder probe on frame 1 (§5.3). Writes the metrics
 * rows and completes the runs row. A failed run gets no probe numbers.
 */
public final class Probe {
    private Probe() {}

    public static void run(Args args) {
        SparkSessions.run(args, "probe", Probe::probe);
    }

    /** One sequence's probe inputs: rollout [17·D] and targets [17·dots·2], normalised. */
    record Rep(long seqId, float[] reps, float[] targets) implements Serializable {}

    public static String probe(SparkSession spark, JepaConfig cfg) {
        Runs.Run run = Runs.of(cfg);
        Map<String, Object> meta = Datasets.metadata(spark, cfg);
        Normalization norm = Datasets.normalization(meta);
        List<MetricRow> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        long nParams = 0;
        RunState state = Trainer.state(run.dir());
        if (cfg.method().name().equals(MethodConfig.CENTER)) {
            ProbeData test = collect(spark, cfg, norm, null, "test");
            rows.addAll(Center.evaluate(test, ProbeEvaluation.ROLLOUT));
        } else {
            if (state == null) throw new ConfigError("run " + run.id() + " has not been trained: run submit/jepa train with the same config first");
            if (!"finished".equals(state.status()))
                return "[probe] run " + run.id() + " is " + state.status() + (state.reason().isEmpty() ? "" : " (" + state.reason() + ")") + ": no probe numbers";
            byte[] model = readModel(run);
            ProbeData test = collect(spark, cfg, norm, model, "test");
            JavaRDD<Rep> train = representations(spark, cfg, norm, model, "probe_train").cache();
            ProbeConfig pc = cfg.probe();
            int d = cfg.method().embedding(), k = 2 * cfg.world().dots();
            LinearProbe rollout, encoder;
            if (pc.solver().equals(ProbeConfig.EXACT)) {   // distributed least squares over the whole split
                rollout = LinearProbe.of(SparkProbe.fitExact(spark, train, 17, d, k, false));
                encoder = LinearProbe.of(SparkProbe.fitExact(spark, train, 17, d, k, true));
            } else {                                        // the reference's Adam probe runs on the driver
                ProbeData all = toProbeData(train.collect(), 17, d, cfg.world().dots());
                rollout = SingleNodeRun.fitProbe(all, pc, cfg.train().seed());
                encoder = SingleNodeRun.fitProbe(SingleNodeRun.firstStep(all), pc, cfg.train().seed());
            }
            rows.addAll(ProbeEvaluation.evaluate(rollout, test, ProbeEvaluation.ROLLOUT, pc.solver()));
            // the probe's own fit error on (up to 10k sequences of) probe-train: for model selection, never the test split
            rows.addAll(ProbeEvaluation.evaluate(rollout, toProbeData(train.take(10_000), 17, d, cfg.world().dots()), ProbeEvaluation.ROLLOUT_TRAIN, pc.solver()));
            train.unpersist();
            rows.addAll(ProbeEvaluation.evaluate(encoder, SingleNodeRun.firstStep(test), ProbeEvaluation.ENCODER, pc.solver()));
            JepaNetwork net = new JepaNetwork(Models.restore(model), params(cfg));
            if (cfg.method().name().equals(MethodConfig.SUPERVISED)) {
                INDArray w = ProbeLoss.probeWeights(net.graph(), JepaNetwork.LOSS);
                rows.addAll(ProbeEvaluation.evaluate(LinearProbe.of(w.toDoubleMatrix()), test, ProbeEvaluation.ROLLOUT, "joint"));
            }
            nParams = net.numParams();
        }
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "metrics", Runs.metricRows(run, rows), Runs.METRICS);
        if (state == null)   // center: nothing was trained
            Runs.writeRun(spark, cfg, run, "finished", "", null, Runs.now(), 0, 0, 0, 0, 0);
        else
            Runs.writeRun(spark, cfg, run, "finished", "", null, Runs.now(), nParams, state.epochsDone(), state.steps(), state.seconds(),
                    state.seconds() > 0 ? state.steps() * (double) cfg.train().batchSize() / state.seconds() : 0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[probe] %s in %.1f s:", run.id(), (System.nanoTime() - t0) / 1e9));
        for (String probe : List.of(ProbeEvaluation.ROLLOUT, ProbeEvaluation.ENCODER)) {
            List<MetricRow> p = rows.stream().filter(r -> r.probe().equals(probe) && !r.solver().equals("joint")).toList();
            if (!p.isEmpty()) b.append(String.format(Locale.ROOT, " %s RMSE %.4f (%.2f px)", probe, Rmse.paperRmse(p), Rmse.codeRmsePx(p)));
        }
        return b.toString();
    }

    static JepaParams params(JepaConfig cfg) { return JepaParams.of(cfg.method(), cfg.world(), cfg.train().seed()); }

    private static byte[] readModel(Runs.Run run) {
        try {
            return Files.readAllBytes(run.dir().resolve("model.zip"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model of run " + run.id(), e);
        }
    }

    /** Representations of a split, computed where the data is (the model travels as a broadcast zip). */
    static JavaRDD<Rep> representations(SparkSession spark, JepaConfig cfg, Normalization norm, byte[] model, String split) {
        Broadcast<byte[]> bytes = model == null ? null : JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        WorldConfig world = cfg.world();
        JepaParams params = params(cfg);
        int batch = cfg.probe().batchSize();
        return Datasets.split(spark, cfg, split).javaRDD().mapPartitions(it -> {
            BatchAssembler assembler = new BatchAssembler(norm, world);
            JepaNetwork net = bytes == null ? null : new JepaNetwork(Models.restore(bytes.value()), params);
            List<Rep> out = new ArrayList<>();
            List<BatchAssembler.Stored> pending = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            while (it.hasNext() || !pending.isEmpty()) {
                if (it.hasNext()) {
                    Row r = it.next();
                    ids.add(r.getLong(0));
                    pending.add(Datasets.stored(r));
                }
                if (pending.size() == batch || (!it.hasNext() && !pending.isEmpty())) {
                    Batch b = assembler.assemble(pending);
                    ProbeData pd = net == null ? ProbeData.targetsOnly(b.probeTargets()) : net.probeData(b);
                    float[] reps = pd.representations().dup('c').data().asFloat(), targets = pd.targets().dup('c').data().asFloat();
                    int rl = reps.length / b.size(), tl = targets.length / b.size();
                    for (int i = 0; i < b.size(); i++)
                        out.add(new Rep(ids.get(i), java.util.Arrays.copyOfRange(reps, i * rl, (i + 1) * rl),
                                java.util.Arrays.copyOfRange(targets, i * tl, (i + 1) * tl)));
                    pending.clear();
                    ids.clear();
                }
            }
            return out.iterator();
        });
    }

    /** A split's representations gathered on the driver, ordered by seq_id (the test split is small). */
    static ProbeData collect(SparkSession spark, JepaConfig cfg, Normalization norm, byte[] model, String split) {
        List<Rep> reps = new ArrayList<>(representations(spark, cfg, norm, model, split).collect());
        reps.sort(java.util.Comparator.comparingLong(Rep::seqId));
        int d = model == null ? 1 : cfg.method().embedding();
        return toProbeData(reps, 17, d, cfg.world().dots());
    }

    static ProbeData toProbeData(List<Rep> reps, int steps, int d, int dots) {
        int n = reps.size();
        float[] x = new float[n * steps * d], y = new float[n * steps * dots * 2];
        for (int i = 0; i < n; i++) {
            System.arraycopy(reps.get(i).reps(), 0, x, i * steps * d, steps * d);
            System.arraycopy(reps.get(i).targets(), 0, y, i * steps * dots * 2, steps * dots * 2);
        }
        return ProbeData.of(x, y, n, steps, d, dots);
    }

}
