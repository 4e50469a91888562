package jepa.probe;

import java.util.Optional;

/**
 * Stops a training run that can no longer produce a meaningful model: a non-finite loss, or collapsed embeddings
 * (feature std below {@code stdThreshold}). The reason string goes to the {@code runs} table.
 */
public record DivergenceGuard(double stdThreshold) {

    public static final double DEFAULT_STD_THRESHOLD = 1e-4;

    public DivergenceGuard {
        if (!(stdThreshold >= 0) || Double.isInfinite(stdThreshold))
            throw new jepa.settings.ConfigError("train.collapse-std must be a finite number >= 0, got " + stdThreshold);
    }

    public DivergenceGuard() { this(DEFAULT_STD_THRESHOLD); }

    /**
     * @param meanFeatureStd mean over features of the per-feature std; below the threshold ⇒ collapse. (A mean
     *                       below it means at least one feature is below it; use the array overload for "all".)
     * @return the reason to stop, or empty when training may go on
     */
    public Optional<String> check(double loss, double meanFeatureStd) {
        Optional<String> bad = lossProblem(loss);
        if (bad.isPresent()) return bad;
        if (Double.isNaN(meanFeatureStd)) return Optional.of("feature std is NaN");
        if (meanFeatureStd < stdThreshold) return Optional.of("collapse: mean feature std < " + format(stdThreshold));
        return Optional.empty();
    }

    /** As {@link #check(double, double)} but from the per-feature stds: collapse only when all are below the threshold. */
    public Optional<String> check(double loss, double[] featureStds) {
        Optional<String> bad = lossProblem(loss);
        if (bad.isPresent()) return bad;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : featureStds) max = Math.max(max, s);
        if (featureStds.length > 0 && max < stdThreshold) return Optional.of("collapse: all feature std < " + format(stdThreshold));
        return Optional.empty();
    }

    /** 1.0E-4 → "1e-4", 0.001 → "0.001". */
    static String format(double x) { return Double.toString(x).replace("E", "e").replace(".0e", "e"); }

    private static Optional<String> lossProblem(double loss) {
        if (Double.isNaN(loss)) return Optional.of("loss is NaN");
        if (Double.isInfinite(loss)) return Optional.of("loss is Infinite");
        return Optional.empty();
    }
}
