package jepa.jobs;

import jepa.accel.Backend;
import jepa.accel.NativeThreads;
import jepa.config.JepaConfig;
import jepa.data.BatchAssembler;
import jepa.method.Method;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.train.RunProtocol;
import jepa.train.RunStatus;
import jepa.train.Trainer;
import jepa.settings.ConfigError;
import jepa.world.Normalization;
import jepa.world.RunKind;
import jepa.world.Worlds;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.sql.Timestamp;

/**
 * The {@code train} job: the configured method over the dataset's training split (supervised: the probe-train split,
 * as the reference), on the driver or data-parallel over the executors ({@link ParameterAveraging}, train.parallel),
 * with a checkpoint per epoch that a re-run resumes from. The training loop is the run protocol's
 * ({@link RunProtocol#train}); writes the run's rows in runs, curves and diagnostics.
 */
public final class Train {
    private Train() {}

    public static void run(Args args) {
        SparkSessions.run(args, "train", Train::train);
    }

    /** Trains (or resumes, or finds finished) the configured run; returns a one-line summary. */
    public static String train(SparkSession spark, JepaConfig cfg) {
        requireProbed(cfg, "train");
        Runs.Run run = Runs.of(cfg);
        Normalization norm = Datasets.normalization(Datasets.metadata(spark, cfg));
        Timestamp started = Runs.now();
        String backend = Backend.current().id();
        Method method = Methods.create(cfg.method());
        if (!(method instanceof NetworkMethod n)) {
            Runs.write(spark, cfg, Runs.RunRecord.untrained(run, RunStatus.FINISHED, "", started, Runs.now(), backend));
            return "[train " + method.name() + "] no network to train (" + run.id() + ")";
        }
        String split = n.trainingSplit().id();
        Dataset<Row> rows = Datasets.split(spark, cfg, split);
        ParquetBatches source = new ParquetBatches(rows, new BatchAssembler(norm, cfg.world()), cfg.train().batchSize(),
                RunProtocol.order(cfg, n));
        Runs.write(spark, cfg, Runs.RunRecord.untrained(run, RunStatus.RUNNING, "", started, null, backend));
        Trainer.Outcome o;
        if (cfg.parallel().averaging()) {
            o = RunProtocol.train(cfg, n, source, new ParameterAveraging(spark, cfg, n, rows, norm), run.dir(), Main.PROGRESS);
        } else {
            // the driver trains: its maths gets the driver's cores, not the one per task core that OMP_NUM_THREADS says
            int before = NativeThreads.set(SparkSessions.driverCores(spark));
            try {
                o = RunProtocol.train(cfg, n, source, null, run.dir(), Main.PROGRESS);
            } finally {
                NativeThreads.set(before);
            }
        }
        Runs.writeTrainingTables(spark, cfg, run);
        Runs.write(spark, cfg, Runs.RunRecord.trained(run, o, started, Runs.now(), backend));
        return String.format(java.util.Locale.ROOT, "[train %s] %s %s after %d epochs / %d steps, %.0f s, %.1f sequences/s%s",
                n.name(), run.id(), o.status().id(), o.epochsDone(), o.steps(), o.trainSeconds(), o.sequencesPerSecond(),
                o.reason().isEmpty() ? "" : " (" + o.reason() + ")");
    }

    /**
     * The train and probe jobs are the probed worlds' protocol split in two; a world whose runs count clusters or act
     * has a protocol of one piece, which only the sweep runs.
     */
    static void requireProbed(JepaConfig cfg, String job) {
        RunKind kind = Worlds.of(cfg.world().kind()).runKind();
        if (kind != RunKind.PROBES)
            throw new ConfigError("the " + job + " job runs worlds whose runs are probed; world.kind = " + cfg.world().kind()
                    + " (runs: " + kind.name().toLowerCase(java.util.Locale.ROOT) + ") runs through submit/jepa sweep or pipeline");
    }
}
