package jepa.settings;

import com.typesafe.config.Config;

import java.util.HashSet;
import java.util.List;

/**
 * The counting world of seed 002 (§2.3, App. D): RGB frames with k ∈ {0..max-count} objects of one shape and colour
 * per episode, actions that add or remove one object, reward 1 iff k = target. Keys the paper leaves open are
 * configuration, with the authors' public code as the default where it has one.
 *
 * @param imageSize        frame side in px (the paper: 64)
 * @param maxCount         largest object count (the paper: 8)
 * @param target           n: reward 1 iff the count is n (the paper: 4)
 * @param radius           object half-extent in px: each object lies in a (2r+1)² box around its centre
 * @param minGap           empty px between object boxes, so objects never touch (8-connectivity) and stay countable
 * @param placementTries   random centre draws per object before drawing uniformly among the free centres instead
 * @param shapes           the shapes an episode draws from (disk, square, triangle, bar)
 * @param colourMin        each RGB channel is drawn uniform from the integers [colour-min, colour-max)
 * @param colourMax        exclusive upper end of the channel range
 * @param episodeLength    most actions per episode
 * @param actionRepeat     the random data policy repeats each drawn action this many steps
 * @param threeWay         whether |a| < no-op-threshold is a no-op (else only the sign counts, a = 0 adds)
 * @param noOpThreshold    the no-op band's half-width for three-way actions
 * @param endOnSuccess     whether an episode ends after its first success (count = target)
 * @param graceSteps       actions still taken from the first success observation before the episode ends (1 = the
 *                         paper's one-step grace: the success frame is the source of a transition, so its reward 1
 *                         is observed)
 * @param keepFrameOnNoOp  whether a no-op keeps the previous frame (positions not redrawn) rather than redrawing
 */
public record CountingConfig(int imageSize, int maxCount, int target, int radius, int minGap, int placementTries,
                             List<String> shapes, int colourMin, int colourMax, int episodeLength, int actionRepeat,
                             boolean threeWay, double noOpThreshold, boolean endOnSuccess, int graceSteps,
                             boolean keepFrameOnNoOp) implements java.io.Serializable {

    public static final List<String> SHAPES = List.of("disk", "square", "triangle", "bar");

    public CountingConfig {
        Check.min("counting.image-size", imageSize, 8);
        Check.min("counting.max-count", maxCount, 1);
        if (target < 0 || target > maxCount)
            throw new ConfigError("counting.target must be in [0, counting.max-count = " + maxCount + "], got " + target);
        Check.min("counting.radius", radius, 1);
        Check.nonNegative("counting.min-gap", minGap);
        Check.min("counting.placement-tries", placementTries, 1);
        if (shapes == null || shapes.isEmpty()) throw new ConfigError("counting.shapes must name at least one shape");
        shapes = List.copyOf(shapes);
        for (String s : shapes) Check.oneOf("counting.shapes", s, SHAPES.toArray(new String[0]));
        if (new HashSet<>(shapes).size() != shapes.size()) throw new ConfigError("counting.shapes has duplicates: " + shapes);
        if (colourMin < 1 || colourMin > 255)
            throw new ConfigError("counting.colour-min must be in [1, 255] (0 is the background), got " + colourMin);
        if (colourMax <= colourMin || colourMax > 256)
            throw new ConfigError("counting.colour-max must be in (colour-min, 256], got " + colourMax);
        Check.min("counting.episode-length", episodeLength, 1);
        Check.min("counting.action-repeat", actionRepeat, 1);
        if (!(noOpThreshold > 0 && noOpThreshold < 1))
            throw new ConfigError("counting.no-op-threshold must be in (0, 1), got " + noOpThreshold);
        Check.nonNegative("counting.grace-steps", graceSteps);
        // With this bound a free centre exists whatever the earlier objects' places, so placement never fails.
        long free = (long) (imageSize - 2 * radius) * (imageSize - 2 * radius);
        long blocked = (long) (maxCount - 1) * (2L * separation(radius, minGap) - 1) * (2L * separation(radius, minGap) - 1);
        if (imageSize - 2 * radius < 1 || blocked >= free)
            throw new ConfigError("counting.radius = " + radius + " (with counting.min-gap = " + minGap + ") is too large for "
                    + maxCount + " objects on " + imageSize + "×" + imageSize + " px: " + (maxCount - 1)
                    + " placed objects may block all " + free + " centres");
    }

    /** The counting block of a fully merged config (e.g. JepaConfig.raw()). */
    public static CountingConfig from(Config c) {
        return new CountingConfig(Check.integer(c, "counting.image-size"), Check.integer(c, "counting.max-count"),
                Check.integer(c, "counting.target"), Check.integer(c, "counting.radius"), Check.integer(c, "counting.min-gap"),
                Check.integer(c, "counting.placement-tries"), Check.strings(c, "counting.shapes"), Check.integer(c, "counting.colour-min"),
                Check.integer(c, "counting.colour-max"), Check.integer(c, "counting.episode-length"),
                Check.integer(c, "counting.action-repeat"), Check.bool(c, "counting.three-way"),
                Check.number(c, "counting.no-op-threshold"), Check.bool(c, "counting.end-on-success"),
                Check.integer(c, "counting.grace-steps"), Check.bool(c, "counting.keep-frame-on-no-op"));
    }

    /** The minimum distance between two object centres along x or y (Chebyshev): boxes 2r+1 wide plus the gap. */
    public int separation() { return separation(radius, minGap); }

    private static int separation(int radius, int minGap) { return 2 * radius + 1 + minGap; }

    /** The number of distinct counts, max-count + 1. */
    public int counts() { return maxCount + 1; }
}
