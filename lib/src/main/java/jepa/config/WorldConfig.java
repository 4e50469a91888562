package jepa.config;

import com.typesafe.config.Config;

/**
 * The moving-dot world's geometry, as in the reference code (§1.1): pixel coordinates on a 28×28 grid, the dot
 * an analytic Gaussian pdf with σ = dot-std px, centres clamped to [clamp-min, clamp-max], steps U[0, max-step),
 * directions von Mises(κ) around one per-sequence mean.
 *
 * @param kind   "single" (one action-controlled dot) or "three-dots" (controlled, random, stationary)
 */
public record WorldConfig(String kind, int frames, int imageSize, double dotStd, double clampMin, double clampMax,
                          double maxStep, double kappa) implements java.io.Serializable {

    public static final String SINGLE = "single";
    public static final String THREE_DOTS = "three-dots";

    public WorldConfig {
        Check.oneOf("world.kind", kind, SINGLE, THREE_DOTS);
        Check.positive("world.frames", frames);
        Check.min("world.frames", frames, 2);
        Check.positive("world.image-size", imageSize);
        Check.positive("world.dot-std", dotStd);
        Check.nonNegative("world.clamp-min", clampMin);
        if (!(clampMax > clampMin)) throw new ConfigError("world.clamp-max must be > world.clamp-min, got " + clampMax + " <= " + clampMin);
        if (clampMax > imageSize - 1) throw new ConfigError("world.clamp-max must be <= image-size - 1 = " + (imageSize - 1) + ", got " + clampMax);
        Check.nonNegative("world.max-step", maxStep);
        Check.nonNegative("world.kappa", kappa);
    }

    static WorldConfig from(Config c) {
        return new WorldConfig(Check.string(c, "world.kind"), Check.integer(c, "world.frames"), Check.integer(c, "world.image-size"),
                Check.number(c, "world.dot-std"), Check.number(c, "world.clamp-min"), Check.number(c, "world.clamp-max"),
                Check.number(c, "world.max-step"), Check.number(c, "world.kappa"));
    }

    /** Number of dots: 1 for the single world, 3 (controlled, random, stationary) otherwise. */
    public int dots() { return SINGLE.equals(kind) ? 1 : 3; }

    /** Number of actions per sequence. */
    public int actions() { return frames - 1; }

    /** Width of the range a dot centre may take (21.8 px by default): the unit of the paper's RMSE. */
    public double range() { return clampMax - clampMin; }
}
