package jepa.jobs;

import jepa.accel.Backend;
import jepa.config.JepaConfig;
import jepa.method.Method;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.probe.MetricRow;
import jepa.probe.ProbeEvaluation;
import jepa.probe.Rmse;
import jepa.settings.ConfigError;
import jepa.train.RunProtocol;
import jepa.train.RunState;
import jepa.train.RunStatus;
import jepa.train.Trainer;
import jepa.world.Normalization;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * The {@code probe} job: the run protocol's evaluation ({@link jepa.train.Evaluation}) of a trained run, its splits
 * folded where the data is ({@link ParquetSplits}): representations computed on the executors, the exact probes'
 * normal equations and the squared errors merged on the driver. Writes the metrics rows and completes the runs row.
 * A failed run gets no probe numbers.
 */
public final class Probe {
    private Probe() {}

    public static void run(Args args) {
        SparkSessions.run(args, "probe", Probe::probe);
    }

    public static String probe(SparkSession spark, JepaConfig cfg) {
        Train.requireProbed(cfg, "probe");
        Runs.Run run = Runs.of(cfg);
        Normalization norm = Datasets.normalization(Datasets.metadata(spark, cfg));
        long t0 = System.nanoTime();
        Method method = Methods.create(cfg.method());
        RunState state = Trainer.state(run.dir());
        byte[] model = null;
        if (method instanceof NetworkMethod) {
            if (state == null) throw new ConfigError("run " + run.id() + " has not been trained: run submit/jepa train with the same config first");
            if (state.status() != RunStatus.FINISHED)
                return "[probe] run " + run.id() + " is " + state.status().id() + (state.reason().isEmpty() ? "" : " (" + state.reason() + ")") + ": no probe numbers";
            model = readModel(run);
        }
        RunProtocol.Result result = RunProtocol.evaluate(cfg, method, run.dir(), new ParquetSplits(spark, cfg, norm, model), norm, null);
        List<MetricRow> rows = result.metrics();
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "metrics", Runs.metricRows(run, rows), Runs.METRICS);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "planning", Runs.planningRows(run, result.planning()), Runs.PLANNING);
        String backend = Backend.current().id();
        Runs.RunRecord r = state == null ? Runs.RunRecord.untrained(run, RunStatus.FINISHED, "", null, Runs.now(), backend)
                : new Runs.RunRecord(run, RunStatus.FINISHED, "", null, Runs.now(), numParams(cfg, run), state.epochsDone(), state.steps(),
                state.seconds(), state.seconds() > 0 ? state.steps() * (double) cfg.train().batchSize() / state.seconds() : 0, backend);
        Runs.write(spark, cfg, r);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[probe] %s in %.1f s:", run.id(), (System.nanoTime() - t0) / 1e9));
        for (String probe : List.of(ProbeEvaluation.ROLLOUT, ProbeEvaluation.ENCODER)) {
            List<MetricRow> p = rows.stream().filter(m -> m.probe().equals(probe) && m.solver().equals(rows.get(0).solver())).toList();
            if (!p.isEmpty()) b.append(String.format(Locale.ROOT, " %s RMSE %.4f (%.2f px)", probe, Rmse.paperRmse(p), Rmse.codeRmsePx(p)));
        }
        return b.toString();
    }

    private static long numParams(JepaConfig cfg, Runs.Run run) {
        return new jepa.method.JepaNetwork(jepa.train.Checkpoints.restore(run.dir().resolve("model.zip"), false), RunProtocol.params(cfg)).numParams();
    }

    private static byte[] readModel(Runs.Run run) {
        try {
            return Files.readAllBytes(run.dir().resolve("model.zip"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model of run " + run.id(), e);
        }
    }
}
