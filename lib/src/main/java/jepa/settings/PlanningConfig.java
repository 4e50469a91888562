package jepa.settings;

import com.typesafe.config.Config;

import java.util.List;

/**
 * The goal-reaching evaluation of trained dot-world runs (seed 001 §4.7). episodes = 0 turns it off.
 *
 * @param planners   of cem, mppi, gradient, hierarchical (random actions and the oracle are always scored beside them;
 *                   hierarchical only for runs of a two-level method, H-JEPA: other runs leave it out)
 * @param energy     "final": ‖ŝ_16 − s_goal‖²; "summed": averaged over the 16 predicted states
 */
public record PlanningConfig(int episodes, List<String> planners, double radius, String energy, int samples, int elites,
                             int iterations, double mppiNoise, double mppiTemperature, int gradientSteps, double gradientLr,
                             long seed) implements java.io.Serializable {
    public static final String CEM = "cem", MPPI = "mppi", GRADIENT = "gradient", HIERARCHICAL = "hierarchical", FINAL = "final",
            SUMMED = "summed";

    public PlanningConfig {
        Check.nonNegative("planning.episodes", episodes);
        Check.eachOneOf("planning.planners", planners, List.of(CEM, MPPI, GRADIENT, HIERARCHICAL));
        Check.positive("planning.radius", radius);
        Check.oneOf("planning.energy", energy, FINAL, SUMMED);
        Check.min("planning.samples", samples, 2);
        Check.positive("planning.elites", elites);
        if (elites > samples) throw new ConfigError("planning.elites (" + elites + ") must be <= planning.samples (" + samples + ")");
        Check.positive("planning.iterations", iterations);
        Check.positive("planning.mppi-noise", mppiNoise);
        Check.positive("planning.mppi-temperature", mppiTemperature);
        Check.positive("planning.gradient-steps", gradientSteps);
        Check.positive("planning.gradient-lr", gradientLr);
    }

    public static PlanningConfig from(Config c) {
        return new PlanningConfig(Check.integer(c, "planning.episodes"), Check.strings(c, "planning.planners"), Check.number(c, "planning.radius"),
                Check.string(c, "planning.energy"), Check.integer(c, "planning.samples"), Check.integer(c, "planning.elites"),
                Check.integer(c, "planning.iterations"), Check.number(c, "planning.mppi-noise"), Check.number(c, "planning.mppi-temperature"),
                Check.integer(c, "planning.gradient-steps"), Check.number(c, "planning.gradient-lr"), Check.longValue(c, "planning.seed"));
    }

    public boolean enabled() { return episodes > 0; }
}
