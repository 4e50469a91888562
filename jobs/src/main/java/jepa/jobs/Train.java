package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.config.MethodConfig;
import jepa.method.JepaParams;
import jepa.method.Method;
import jepa.nn.NativeThreads;
import jepa.train.BatchAssembler;
import jepa.train.Trainer;
import jepa.world.Normalization;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.Map;

/**
 * The {@code train} job: one method over the dataset's training split (supervised: the probe-train split, as the
 * reference), on the driver or data-parallel over the executors ({@link ParameterAveraging}, train.parallel), with a
 * checkpoint per epoch that a re-run resumes from. Writes the run's rows in runs, curves and diagnostics.
 */
public final class Train {
    private static final Logger LOG = LoggerFactory.getLogger(Train.class);

    private Train() {}

    public static void run(Args args) {
        SparkSessions.run(args, "train", Train::train);
    }

    /** Trains (or resumes, or finds finished) the configured run; returns a one-line summary. */
    public static String train(SparkSession spark, JepaConfig cfg) {
        Runs.Run run = Runs.of(cfg);
        Map<String, Object> meta = Datasets.metadata(spark, cfg);
        Timestamp started = Runs.now();
        if (cfg.method().name().equals(MethodConfig.CENTER)) {
            Runs.writeRun(spark, cfg, run, "finished", "", started, Runs.now(), 0, 0, 0, 0, 0);
            return "[train center] no network to train (" + run.id() + ")";
        }
        Normalization norm = Datasets.normalization(meta);
        Method method = Method.of(cfg.method());
        String split = method.trainsOnProbeSplit() ? "probe_train" : "train";
        ParquetBatches source = new ParquetBatches(Datasets.split(spark, cfg, split), new BatchAssembler(norm, cfg.world()),
                cfg.train().batchSize(), cfg.train().shuffleBuffer(), cfg.train().seed());
        int dots = cfg.world().dots();
        JepaParams params = JepaParams.of(cfg.method(), cfg.world(), cfg.train().seed());
        Runs.writeRun(spark, cfg, run, "running", "", started, null, 0, 0, 0, 0, 0);
        Trainer trainer = new Trainer(method, params, cfg.train(), dots, run.dir(), line -> {
            LOG.info(line);
            System.err.println(line);
        });
        Trainer.Outcome o;
        if (cfg.parallel().averaging()) {
            o = trainer.run(source, new ParameterAveraging(spark, cfg, Datasets.split(spark, cfg, split), norm));
        } else {
            // the driver trains: its maths gets the driver's cores, not the one per task core that OMP_NUM_THREADS says
            int cores = SparkSessions.driverCores(spark), before = NativeThreads.set(cores);
            LOG.info("training on the driver with {} native thread(s)", cores);
            try {
                o = trainer.run(source, null);
            } finally {
                NativeThreads.set(before);
            }
        }
        Runs.writeTrainingTables(spark, cfg, run);
        Runs.writeRun(spark, cfg, run, o.status(), o.reason(), started, Runs.now(), o.numParams(), o.epochsDone(), o.steps(),
                o.trainSeconds(), o.sequencesPerSecond());
        return String.format(java.util.Locale.ROOT, "[train %s] %s %s after %d epochs / %d steps, %.0f s, %.1f sequences/s%s",
                method.name(), run.id(), o.status(), o.epochsDone(), o.steps(), o.trainSeconds(), o.sequencesPerSecond(),
                o.reason().isEmpty() ? "" : " (" + o.reason() + ")");
    }
}
