package jepa.method;

import jepa.config.ConfigError;

/**
 * VICReg loss coefficients (reference §3.1): L = sim·L_pred + std·L_var + cov·L_cov; with skipFirstStepVc (true in all
 * reproduce configs) the variance/covariance terms use frames 2..17 only.
 */
public record VicregParams(double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc) {
    public VicregParams {
        if (!(simCoeff >= 0)) throw new ConfigError("vicreg.sim-coeff must be >= 0, got " + simCoeff);
        if (!(stdCoeff >= 0)) throw new ConfigError("vicreg.std-coeff must be >= 0, got " + stdCoeff);
        if (!(covCoeff >= 0)) throw new ConfigError("vicreg.cov-coeff must be >= 0, got " + covCoeff);
    }

    /** VICRegConfig defaults of the reference code (sim 25, std 25, cov 1, skip first step). */
    public static VicregParams defaults() { return new VicregParams(25, 25, 1, true); }
}
