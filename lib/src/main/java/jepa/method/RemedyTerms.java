package jepa.method;

import com.typesafe.config.Config;
import jepa.settings.Check;
import jepa.settings.ConfigError;
import jepa.settings.MethodConfig;

/**
 * The terms of a JEPA loss with remedies for slow features (seed 001 §4.5; the later literature's cures): the
 * prediction term on s, a regulariser against collapse — VICReg's variance and covariance (on an expander's output v
 * when {@code expanderDim} > 0, the variance hinge then also on s) or SIGReg — and optional terms that make a feature
 * constant over a sequence expensive: inverse dynamics, a temporal hinge, an auxiliary head.
 *
 * @param regulariser     "vicreg" or "sigreg"
 * @param expanderDim     0: none; E: v = Linear(E) ∘ ReLU ∘ Linear(D → E)(s) carries variance and covariance
 * @param sigregSlices    random unit directions the SIGReg statistic is averaged over (fixed per run, seeded)
 * @param temporalTarget  γ of the temporal hinge mean_{b,j} ReLU(γ − std_t s_{b,j,t})
 * @param idmCoeff        weight of MSE(head([current_t, s_{t+1}]), a_t), current = s_1 then the GRU's predictions
 * @param auxCoeff        weight of MSE(head([s_{t−1}, s_t]), centroid of |o_t − o_{t−1}|): a label-free quantity of
 *                        the frames (where the image changed), t = 2..17
 */
public record RemedyTerms(double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc, String regulariser,
                          double sigregCoeff, int sigregSlices, long sigregSeed, int expanderDim, double temporalCoeff,
                          double temporalTarget, double idmCoeff, double auxCoeff) implements java.io.Serializable {
    public static final String VICREG = "vicreg", SIGREG = "sigreg";

    public RemedyTerms {
        Check.nonNegative("sim-coeff", simCoeff);
        Check.nonNegative("std-coeff", stdCoeff);
        Check.nonNegative("cov-coeff", covCoeff);
        Check.oneOf("regulariser", regulariser, VICREG, SIGREG);
        Check.nonNegative("sigreg-coeff", sigregCoeff);
        Check.positive("sigreg-slices", sigregSlices);
        Check.nonNegative("expander-dim", expanderDim);
        Check.nonNegative("temporal-coeff", temporalCoeff);
        Check.nonNegative("temporal-target", temporalTarget);
        Check.nonNegative("idm-coeff", idmCoeff);
        Check.nonNegative("aux-coeff", auxCoeff);
    }

    /**
     * A remedy method's own keys with their defaults, as HOCON: the prediction term, its regulariser's, its extra terms'.
     * {@code scale} multiplies VICReg's 25 / 25 / 1: a head's term (inverse dynamics, aux) only shapes the encoder when
     * it weighs about as much as the prediction term — at 1/25 of VICReg's weights, measured under fixed noise.
     */
    static String keys(String regulariser, double scale, String extra) {
        return "sim-coeff = " + hocon(25 * scale) + "          # prediction term on s\n" + (regulariser.equals(VICREG)
                ? "std-coeff = " + hocon(25 * scale) + "          # VICReg variance hinge (on v with an expander, and on s)\n"
                + "cov-coeff = " + hocon(scale) + "          # VICReg covariance (on v with an expander)\n"
                + "skip-first-step-vc = true   # variance and covariance on frames 2..17\n" : "") + extra;
    }

    private static String hocon(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Reads a remedy method's section; terms it does not have stay off. Errors name the full key. */
    static RemedyTerms from(MethodConfig m, String regulariser) {
        Config c = m.keys();
        String p = "method." + m.name() + ".";
        try {
            return new RemedyTerms(num(c, p, "sim-coeff", 25), num(c, p, "std-coeff", 25), num(c, p, "cov-coeff", 1),
                    !c.hasPath(p + "skip-first-step-vc") || Check.bool(c, p + "skip-first-step-vc"), regulariser,
                    num(c, p, "sigreg-coeff", 0), (int) num(c, p, "sigreg-slices", 256), (long) num(c, p, "sigreg-seed", 1),
                    (int) num(c, p, "expander-dim", 0), num(c, p, "temporal-coeff", 0), num(c, p, "temporal-target", 0.5),
                    num(c, p, "idm-coeff", 0), num(c, p, "aux-coeff", 0));
        } catch (ConfigError e) {
            throw e.getMessage().startsWith("method.") ? e : new ConfigError(p + e.getMessage(), e);
        }
    }

    private static double num(Config c, String prefix, String key, double absent) {
        return c.hasPath(prefix + key) ? Check.number(c, prefix + key) : absent;
    }
}
