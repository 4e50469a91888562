package jepa.settings;

import com.typesafe.config.Config;

/**
 * The world to generate and its moving-dot geometry, as in the reference code (reference §1.1): pixel coordinates on
 * the fixed 28×28 grid, the dot an analytic Gaussian pdf with σ = dot-std px, centres clamped to [clamp-min,
 * clamp-max], steps U[0, max-step), directions von Mises(κ) around one per-sequence mean. Sequences have 17 frames.
 *
 * @param kind a registered world (jepa.world.Worlds); checked against the registry when the whole config loads
 */
public record WorldConfig(String kind, double dotStd, double clampMin, double clampMax, double maxStep, double kappa,
                          Wall wall) implements java.io.Serializable {

    /**
     * The wall of the two-room world (seed 001's planning world): a vertical wall at column {@code x} that no dot
     * crosses except through a door, the rows [doorMin, doorMax]; drawn into every channel as a line of the dot's peak
     * intensity. Worlds without a wall ignore it.
     */
    public record Wall(double x, double doorMin, double doorMax) implements java.io.Serializable {
        public static final Wall DEFAULT = new Wall(14, 11, 17);

        public Wall {
            Check.range("world.wall.x", x, 1, IMAGE_SIZE - 2);
            if (!(doorMax > doorMin)) throw new ConfigError("world.wall.door-max must be > world.wall.door-min, got " + doorMax + " <= " + doorMin);
        }

        /** Whether a step from (x0, y0) to x1 crosses the wall outside the door (y at the crossing, linearly). */
        public boolean blocks(double x0, double y0, double x1, double y1) {
            if ((x0 < x) == (x1 < x)) return false;
            double y = x1 == x0 ? y0 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            return y < doorMin || y > doorMax;
        }
    }

    /** Without a wall. */
    public WorldConfig(String kind, double dotStd, double clampMin, double clampMax, double maxStep, double kappa) {
        this(kind, dotStd, clampMin, clampMax, maxStep, kappa, Wall.DEFAULT);
    }

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
                Check.number(c, "world.clamp-max"), Check.number(c, "world.max-step"), Check.number(c, "world.kappa"),
                new Wall(Check.number(c, "world.wall.x"), Check.number(c, "world.wall.door-min"), Check.number(c, "world.wall.door-max")));
    }

    /** Number of actions per sequence. */
    public int actions() { return FRAMES - 1; }

    public int frames() { return FRAMES; }

    public int imageSize() { return IMAGE_SIZE; }

    /** Width of the range a dot centre may take (21.8 px by default): the unit of the paper's RMSE. */
    public double range() { return clampMax - clampMin; }
}
