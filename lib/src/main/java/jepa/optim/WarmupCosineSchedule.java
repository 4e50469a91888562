package jepa.optim;

import jepa.settings.ConfigError;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * The reference learning rate (reference §4.1, {@code lars.py::adjust_learning_rate}): linear warm-up from 0 over
 * warmupEpochs·L steps to the peak, then a cosine from the peak down to endFactor·peak at epochs·L steps.
 * <p>
 * Driven by DL4J's iteration counter only (the number of optimizer steps taken so far, 0 on the first step):
 * step k uses the global step s = k + L when {@code startAtEpochOne} (the reference's quirk: its first step
 * is epoch 1, batch 0, so the first lr is already 0.1·peak), else s = k. The epoch argument is ignored because
 * DL4J's epoch counter is not kept in step with the iteration counter under dl4j-spark parameter averaging,
 * while the iteration counter is (the master adds averagingFrequency per round).
 * <p>
 * Jackson-serialisable (DL4J ships configs as JSON): @JsonProperty on the fields (DL4J's mapper does not see
 * plain private fields of an ISchedule) and on the constructor.
 */
public final class WarmupCosineSchedule implements ISchedule {

    @JsonProperty
    private final double peakLr;
    @JsonProperty
    private final int stepsPerEpoch;
    @JsonProperty
    private final int epochs;
    @JsonProperty
    private final int warmupEpochs;
    @JsonProperty
    private final double endFactor;
    @JsonProperty
    private final boolean startAtEpochOne;

    /**
     * @param peakLr          lr at the end of warm-up (the reference's base = base_lr·B/256)
     * @param stepsPerEpoch   L, optimizer steps per epoch (per worker under parameter averaging)
     * @param epochs          total epochs; the cosine reaches endFactor·peak at s = epochs·L
     * @param warmupEpochs    warm-up length in epochs (reference 10)
     * @param endFactor       final lr as a fraction of the peak (reference 0.001)
     * @param startAtEpochOne the reference's step-index quirk (s starts at L, not 0)
     */
    public WarmupCosineSchedule(@JsonProperty("peakLr") double peakLr,
                                @JsonProperty("stepsPerEpoch") int stepsPerEpoch,
                                @JsonProperty("epochs") int epochs,
                                @JsonProperty("warmupEpochs") int warmupEpochs,
                                @JsonProperty("endFactor") double endFactor,
                                @JsonProperty("startAtEpochOne") boolean startAtEpochOne) {
        if (!(peakLr >= 0) || Double.isInfinite(peakLr)) throw new ConfigError("lr peak (base-lr·B/256) must be finite and >= 0, got " + peakLr);
        if (stepsPerEpoch < 1) throw new ConfigError("steps-per-epoch must be >= 1, got " + stepsPerEpoch);
        if (warmupEpochs < 0) throw new ConfigError("warmup-epochs must be >= 0, got " + warmupEpochs);
        if (epochs <= warmupEpochs) throw new ConfigError("epochs must be > warmup-epochs = " + warmupEpochs + ", got " + epochs);
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ConfigError("lr end-factor must be in [0,1], got " + endFactor);
        this.peakLr = peakLr;
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.warmupEpochs = warmupEpochs;
        this.endFactor = endFactor;
        this.startAtEpochOne = startAtEpochOne;
    }

    /** The reference schedule: peak = baseLr·B/256, 10 warm-up epochs, end 0.001·peak, first step at s = L. */
    public static WarmupCosineSchedule reference(double baseLr, int batchSize, int stepsPerEpoch, int epochs) {
        if (batchSize < 1) throw new ConfigError("batch-size must be >= 1, got " + batchSize);
        return new WarmupCosineSchedule(baseLr * batchSize / 256.0, stepsPerEpoch, epochs, 10, 0.001, true);
    }

    /** The lr at global step s (the reference's step index, after the quirk offset). */
    public double atGlobalStep(long s) {
        long warm = (long) warmupEpochs * stepsPerEpoch;
        long max = (long) epochs * stepsPerEpoch;
        if (s < warm) return peakLr * s / warm;
        double q = 0.5 * (1 + Math.cos(Math.PI * (s - warm) / (max - warm)));
        return peakLr * q + endFactor * peakLr * (1 - q);
    }

    /** The global step used for DL4J iteration k (0-based count of optimizer steps). */
    public long globalStep(int iteration) {
        return iteration + (startAtEpochOne ? (long) stepsPerEpoch : 0L);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return atGlobalStep(globalStep(iteration));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peakLr, stepsPerEpoch, epochs, warmupEpochs, endFactor, startAtEpochOne);
    }

    public double peakLr() { return peakLr; }
    public int stepsPerEpoch() { return stepsPerEpoch; }
    public int epochs() { return epochs; }
    public int warmupEpochs() { return warmupEpochs; }
    public double endFactor() { return endFactor; }
    public boolean startAtEpochOne() { return startAtEpochOne; }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule w && w.peakLr == peakLr && w.stepsPerEpoch == stepsPerEpoch
                && w.epochs == epochs && w.warmupEpochs == warmupEpochs && w.endFactor == endFactor
                && w.startAtEpochOne == startAtEpochOne;
    }

    @Override
    public int hashCode() { return Objects.hash(peakLr, stepsPerEpoch, epochs, warmupEpochs, endFactor, startAtEpochOne); }

    @Override
    public String toString() {
        return "WarmupCosineSchedule(peak=" + peakLr + ", L=" + stepsPerEpoch + ", epochs=" + epochs + ", warmup="
                + warmupEpochs + ", end=" + endFactor + ", startAtEpochOne=" + startAtEpochOne + ")";
    }
}
