package jepa.settings;

import com.typesafe.config.Config;

/**
 * The CartPole world of seed 003 (section {@code cartpole}): the episode limit, the rendered frames the pixel agent
 * sees, and the random-policy episodes the generate job writes.
 */
public record CartPoleConfig(int maxEpisodeSteps, int frameWidth, int frameHeight, String color, int antialias, long episodes)
        implements java.io.Serializable {

    public static final String GREY = "grey", RGB = "rgb";

    public CartPoleConfig {
        Check.positive("cartpole.max-episode-steps", maxEpisodeSteps);
        Check.positive("cartpole.frame-width", frameWidth);
        Check.positive("cartpole.frame-height", frameHeight);
        Check.oneOf("cartpole.color", color, GREY, RGB);
        Check.positive("cartpole.antialias", antialias);
        Check.positive("cartpole.episodes", episodes);
    }

    /** Image channels per frame: 1 (grey) or 3 (RGB). */
    public int channels() { return RGB.equals(color) ? 3 : 1; }

    /** Bytes of one frame, channels × height × width. */
    public int frameSize() { return channels() * frameHeight * frameWidth; }

    public static CartPoleConfig from(Config c) {
        return new CartPoleConfig(Check.integer(c, "cartpole.max-episode-steps"), Check.integer(c, "cartpole.frame-width"),
                Check.integer(c, "cartpole.frame-height"), Check.string(c, "cartpole.color"), Check.integer(c, "cartpole.antialias"),
                Check.longValue(c, "cartpole.episodes"));
    }
}
