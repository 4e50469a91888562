package jepa.config;

import com.typesafe.config.Config;

/** Training: epochs, batch, the LARS schedule (reference §4.1), Adam for the supervised baseline, guards. */
public record TrainConfig(int epochs, int batchSize, double baseLr, int warmupEpochs, double weightDecay, double eta,
                          double momentum, double supervisedLr, long seed, int logEvery, double collapseStd,
                          int shuffleBuffer) implements java.io.Serializable {

    public TrainConfig {
        Check.positive("train.epochs", epochs);
        Check.positive("train.batch-size", batchSize);
        Check.min("train.batch-size", batchSize, 2);
        Check.positive("train.base-lr", baseLr);
        Check.nonNegative("train.warmup-epochs", warmupEpochs);
        if (warmupEpochs >= epochs)
            throw new ConfigError("train.warmup-epochs (" + warmupEpochs + ") must be < train.epochs (" + epochs + ")");
        Check.nonNegative("train.weight-decay", weightDecay);
        Check.nonNegative("train.eta", eta);
        if (!(momentum >= 0 && momentum < 1)) throw new ConfigError("train.momentum must be in [0, 1), got " + momentum);
        Check.positive("train.supervised-lr", supervisedLr);
        Check.positive("train.log-every", logEvery);
        Check.nonNegative("train.collapse-std", collapseStd);
        Check.positive("train.shuffle-buffer", shuffleBuffer);
    }

    static TrainConfig from(Config c) {
        return new TrainConfig(Check.integer(c, "train.epochs"), Check.integer(c, "train.batch-size"), Check.number(c, "train.base-lr"),
                Check.integer(c, "train.warmup-epochs"), Check.number(c, "train.weight-decay"), Check.number(c, "train.eta"),
                Check.number(c, "train.momentum"), Check.number(c, "train.supervised-lr"), Check.longValue(c, "train.seed"),
                Check.integer(c, "train.log-every"), Check.number(c, "train.collapse-std"), Check.integer(c, "train.shuffle-buffer"));
    }
}
