package jepa.settings;

import com.typesafe.config.Config;

/**
 * The world to generate and its moving-dot geometry, as in the reference code (reference §1.1): pixel coordinates on
 * the fixed 28×28 grid, the dot an analytic Gaussian pdf with σ = dot-std px, centres clamped to [clamp-min,
 * clamp-max], steps U[0, max-step), directions von Mises(κ) around one per-sequence mean. Sequences have 17 frames.
 *
 * @param kind a registered world (jepa.world.Worlds); checked against the registry when the whole config loads
 */
public record WorldConfig(String kind, double dotStd, double clampMin, double clampMax, double maxStep, double kappa)
        implements java.io.Serializable {

    /** The moving-dot grid: 28×28 pixels, 17 frames (16 actions). */
    public static final int IMAGE_SIZE = 28, FRAMES = 17;

    public WorldConfig {
        Check.positive("world.dot-std", dotStd);
        Check.nonNegative("world.clamp-min", clampMin);
        if (!(clampMax > clampMin)) throw new ConfigError("world.clamp-max must be > world.clamp-min, got " + clampMax + " <= " + clampMin);
        if (clampMax > IMAGE_SIZE - 1) throw new ConfigError("world.clamp-max must be <= " + (IMAGE_SIZE - 1) + " (28-px grid), got " + clampMax);
        Check.nonNegative("world.max-step", maxStep);
        Check.nonNegative("world.kappa", kappa);
    }

    public static WorldConfig from(Config c) {
        return new WorldConfig(Check.string(c, "world.kind"), Check.number(c, "world.dot-std"), Check.number(c, "world.clamp-min"),
                Check.number(c, "world.clamp-max"), Check.number(c, "world.max-step"), Check.number(c, "world.kappa"));
    }

    /** Number of actions per sequence. */
    public int actions() { return FRAMES - 1; }

    public int frames() { return FRAMES; }

    public int imageSize() { return IMAGE_SIZE; }

    /** Width of the range a dot centre may take (21.8 px by default): the unit of the paper's RMSE. */
    public double range() { return clampMax - clampMin; }
}
