package jepa.rl;

import jepa.settings.PpoConfig;

/**
 * PPO's minibatch loss (Schulman et al. 2017, in CleanRL's form) and its gradient with respect to the heads' outputs:
 * <pre>
 *   r = exp(log π(a|s) − log π_old(a|s)),  Â = (A − mean A)/(std A + 1e-8) over the minibatch (std with n − 1)
 *   L_clip  = mean max(−Â·r, −Â·clip(r, 1 − ε, 1 + ε))
 *   L_value = ½ mean max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)    (or ½ mean (V − R)² without value clipping)
 *   L       = L_clip − c_ent·mean H(π(·|s)) + c_v·L_value
 * </pre>
 * Where the unclipped and clipped terms are equal (r inside the clip range) the gradient is the unclipped one; where
 * the clipped term is the larger it is 0. The returned ∂L/∂logits and ∂L/∂V go into {@link ActorCritic#backward}.
 */
public final class PpoLoss {

    /** The loss, its terms and diagnostics, and ∂L/∂logits [n, actions], ∂L/∂values [n]. */
    public record Result(double loss, double policyLoss, double valueLoss, double entropy, double approxKl, double clipFraction,
                         double[] dLogits, double[] dValues) {}

    private final double clipCoef, vfCoef, entCoef;
    private final boolean clipValueLoss, normAdvantages;

    public PpoLoss(double clipCoef, boolean clipValueLoss, double vfCoef, double entCoef, boolean normAdvantages) {
        this.clipCoef = clipCoef;
        this.clipValueLoss = clipValueLoss;
        this.vfCoef = vfCoef;
        this.entCoef = entCoef;
        this.normAdvantages = normAdvantages;
    }

    public static PpoLoss of(PpoConfig c) {
        return new PpoLoss(c.clipCoef(), c.clipValueLoss(), c.vfCoef(), c.entCoef(), c.normAdvantages());
    }

    /**
     * @param logits   [n, k] from the current parameters; values [n] likewise
     * @param oldLogProbs, oldValues: what the acting policy gave at rollout time; advantages and returns from GAE
     */
    public Result evaluate(int n, int k, double[] logits, double[] values, int[] actions, double[] oldLogProbs, double[] advantages,
                           double[] returns, double[] oldValues) {
        double[] adv = advantages.clone();
        if (normAdvantages) {
            double mean = 0, ss = 0;
            for (int i = 0; i < n; i++) mean += adv[i];
            mean /= n;
            for (int i = 0; i < n; i++) ss += (adv[i] - mean) * (adv[i] - mean);
            double std = Math.sqrt(ss / (n - 1));
            for (int i = 0; i < n; i++) adv[i] = (adv[i] - mean) / (std + 1e-8);
        }
        double[] logP = new double[n * k], dLogits = new double[n * k], dValues = new double[n];
        double pg = 0, vl = 0, ent = 0, kl = 0, clipped = 0;
        for (int i = 0; i < n; i++) {
            int o = i * k, a = actions[i];
            Categorical.logSoftmax(logits, o, k, logP);
            double h = Categorical.entropy(logP, o, k);
            double logRatio = logP[o + a] - oldLogProbs[i], ratio = Math.exp(logRatio);
            double clippedRatio = Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
            double unclippedTerm = -adv[i] * ratio, clippedTerm = -adv[i] * clippedRatio;
            pg += Math.max(unclippedTerm, clippedTerm);
            ent += h;
            kl += (ratio - 1) - logRatio;                              // the k3 estimator of KL(old ‖ new), as CleanRL logs it
            if (Math.abs(ratio - 1) > clipCoef) clipped++;
            // ∂/∂r of the surrogate term: −Â where the unclipped term is active (r in range, or it is the larger)
            double dRatio = (ratio == clippedRatio || unclippedTerm >= clippedTerm) ? -adv[i] : 0;
            for (int j = 0; j < k; j++) {
                double p = Math.exp(logP[o + j]);
                // ∂r/∂z_j = r(1[j = a] − p_j);  ∂H/∂z_j = −p_j(log p_j + H)
                dLogits[o + j] = (dRatio * ratio * ((j == a ? 1 : 0) - p) + entCoef * p * (logP[o + j] + h)) / n;
            }
            double v = values[i], diff = v - returns[i];
            if (clipValueLoss) {
                double vClipped = oldValues[i] + Math.min(Math.max(v - oldValues[i], -clipCoef), clipCoef);
                double diffClipped = vClipped - returns[i];
                boolean inRange = Math.abs(v - oldValues[i]) <= clipCoef;
                if (diff * diff >= diffClipped * diffClipped) {
                    vl += 0.5 * diff * diff;
                    dValues[i] = vfCoef * diff / n;
                } else {
                    vl += 0.5 * diffClipped * diffClipped;
                    dValues[i] = inRange ? vfCoef * diffClipped / n : 0;
                }
            } else {
                vl += 0.5 * diff * diff;
                dValues[i] = vfCoef * diff / n;
            }
        }
        pg /= n;
        vl /= n;
        ent /= n;
        return new Result(pg - entCoef * ent + vfCoef * vl, pg, vl, ent, kl / n, clipped / n, dLogits, dValues);
    }
}
