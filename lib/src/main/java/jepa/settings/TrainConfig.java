package jepa.settings;

import com.typesafe.config.Config;

/**
 * Training: epochs, batch, the LARS schedule (reference §4.1), Adam for the supervised baseline, guards.
 *
 * @param sequencesPerEpoch 0: every epoch reads the whole training split; k > 0: epoch e reads sequences
 *                          [e·k, (e+1)·k) of it, so each epoch sees sequences not seen before (the reference draws fresh
 *                          sequences every epoch); the split must then hold epochs·k sequences
 */
public record TrainConfig(int epochs, int batchSize, double baseLr, int warmupEpochs, double weightDecay, double eta,
                          double momentum, double supervisedLr, long seed, int logEvery, double collapseStd,
                          long sequencesPerEpoch) implements java.io.Serializable {

    public TrainConfig {
        Check.positive("train.epochs", epochs);
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
        Check.nonNegative("train.sequences-per-epoch", sequencesPerEpoch);
        if (sequencesPerEpoch > 0 && sequencesPerEpoch < batchSize)
            throw new ConfigError("train.sequences-per-epoch (" + sequencesPerEpoch + ") must be 0 or >= train.batch-size (" + batchSize + ")");
    }

    public static TrainConfig from(Config c) {
        return new TrainConfig(Check.integer(c, "train.epochs"), Check.integer(c, "train.batch-size"), Check.number(c, "train.base-lr"),
                Check.integer(c, "train.warmup-epochs"), Check.number(c, "train.weight-decay"), Check.number(c, "train.eta"),
                Check.number(c, "train.momentum"), Check.number(c, "train.supervised-lr"), Check.longValue(c, "train.seed"),
                Check.integer(c, "train.log-every"), Check.number(c, "train.collapse-std"), Check.longValue(c, "train.sequences-per-epoch"));
    }

    /** Sequences one epoch reads from a training split of {@code splitSize} sequences. */
    public long epochSequences(long splitSize) { return sequencesPerEpoch > 0 ? sequencesPerEpoch : splitSize; }

    /** Training sequences the epochs need: the split must hold at least this many. */
    public long sequencesNeeded(long splitSize) { return sequencesPerEpoch > 0 ? sequencesPerEpoch * epochs : splitSize; }
}
