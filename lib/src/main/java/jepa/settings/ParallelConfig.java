package jepa.settings;

import com.typesafe.config.Config;

/**
 * How the train job spreads one model's training (train.parallel): on the driver ("single") or data-parallel with
 * parameter averaging over the executors ("parameter-averaging": each worker fits train.batch-size sequences per step,
 * parameters and updater state are averaged every averaging-frequency steps). workers = 0: Spark's default
 * parallelism (executors × task cores).
 */
public record ParallelConfig(String mode, int workers, int averagingFrequency) implements java.io.Serializable {
    public static final String SINGLE = "single", PARAMETER_AVERAGING = "parameter-averaging";

    public ParallelConfig {
        Check.oneOf("train.parallel.mode", mode, SINGLE, PARAMETER_AVERAGING);
        Check.nonNegative("train.parallel.workers", workers);
        Check.positive("train.parallel.averaging-frequency", averagingFrequency);
    }

    public boolean averaging() { return PARAMETER_AVERAGING.equals(mode); }

    public static ParallelConfig from(Config c) {
        return new ParallelConfig(Check.string(c, "train.parallel.mode"), Check.integer(c, "train.parallel.workers"),
                Check.integer(c, "train.parallel.averaging-frequency"));
    }
}
