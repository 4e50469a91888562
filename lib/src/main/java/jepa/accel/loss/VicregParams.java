package jepa.accel.loss;

import com.typesafe.config.Config;
import jepa.settings.Check;
import jepa.settings.MethodConfig;

/**
 * VICReg loss coefficients (reference §3.1): L = sim·L_pred + std·L_var + cov·L_cov; with skipFirstStepVc (true in all
 * reproduce configs) the variance/covariance terms use frames 2..17 only.
 */
public record VicregParams(double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc) {
    public VicregParams {
        Check.nonNegative("method.vicreg.sim-coeff", simCoeff);
        Check.nonNegative("method.vicreg.std-coeff", stdCoeff);
        Check.nonNegative("method.vicreg.cov-coeff", covCoeff);
    }

    /** From method.vicreg.*. */
    public static VicregParams from(MethodConfig m) {
        Config c = m.keys();
        String p = "method." + m.name() + ".";
        return new VicregParams(Check.number(c, p + "sim-coeff"), Check.number(c, p + "std-coeff"),
                Check.number(c, p + "cov-coeff"), Check.bool(c, p + "skip-first-step-vc"));
    }

    /** VICRegConfig defaults of the reference code (sim 25, std 25, cov 1, skip first step). */
    public static VicregParams defaults() { return new VicregParams(25, 25, 1, true); }
}
