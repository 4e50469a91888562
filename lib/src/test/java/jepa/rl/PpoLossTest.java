package jepa.rl;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PpoLossTest {

    /**
     * Two samples, clip ε = 0.2, c_v = 0.5, c_ent = 0.01, no advantage normalisation.
     * Sample 0: p = (½, ½), action 1, π_old = ¼ → r = 2, Â = +1: max(−2, −1.2) = −1.2 (clipped term active).
     * Sample 1: p = (¾, ¼), action 0, π_old = ½ → r = 1.5, Â = −1: max(1.5, 1.2) = 1.5 (unclipped term active).
     * L_clip = (−1.2 + 1.5)/2 = 0.15. Entropies ln 2 and 0.5623351446 → mean 0.6277412752.
     * Values V = (1, 0), V_old = (0.5, 0.1), R = (2, 1): sample 0 max((−1)², (0.7 − 2)²) = 1.69; sample 1
     * max(1, (0 − 1)²) = 1 → L_value = ½·(1.69 + 1)/2 = 0.6725.
     * L = 0.15 − 0.01·0.6277412752 + 0.5·0.6725 = 0.4799725872.
     */
    @Test
    void clippedSurrogateByHand() {
        PpoLoss loss = new PpoLoss(0.2, true, 0.5, 0.01, false);
        PpoLoss.Result r = loss.evaluate(2, 2, new double[] {0, 0, Math.log(3), 0}, new double[] {1, 0}, new int[] {1, 0},
                new double[] {Math.log(0.25), Math.log(0.5)}, new double[] {1, -1}, new double[] {2, 1}, new double[] {0.5, 0.1});
        assertEquals(0.15, r.policyLoss(), 1e-12);
        assertEquals((Math.log(2) + 0.5623351446188083) / 2, r.entropy(), 1e-12);
        assertEquals(0.6725, r.valueLoss(), 1e-12);
        assertEquals(0.15 - 0.01 * (Math.log(2) + 0.5623351446188083) / 2 + 0.5 * 0.6725, r.loss(), 1e-12);
        assertEquals(1.0, r.clipFraction());                           // both ratios are outside [0.8, 1.2]
        // sample 0's surrogate is clipped: only the entropy term moves its logits; its value is clipped too (no gradient)
        double p = 0.5, h = Math.log(2);
        assertEquals(0.01 * p * (Math.log(p) + h) / 2, r.dLogits()[0], 1e-15);
        assertEquals(0, r.dValues()[0]);
        // sample 1: ∂/∂z_0 of −Â·r = r·(1 − p_0) = 1.5·0.25, plus the entropy term; its value gradient 0.5·(0 − 1)/2
        double h1 = 0.5623351446188083;
        assertEquals((1.5 * 0.25 + 0.01 * 0.75 * (Math.log(0.75) + h1)) / 2, r.dLogits()[2], 1e-12);
        assertEquals(0.5 * -1 / 2, r.dValues()[1], 1e-15);
    }

    @Test
    void advantagesAreNormalisedPerMinibatch() {
        PpoLoss loss = new PpoLoss(0.2, false, 0, 0, true);
        // every ratio 1 (π = π_old): L_clip = −mean Â, which is 0 after normalisation whatever the scale
        double[] logits = {0, 0, 0, 0, 0, 0}, oldLogP = {Math.log(0.5), Math.log(0.5), Math.log(0.5)};
        PpoLoss.Result r = loss.evaluate(3, 2, logits, new double[3], new int[] {0, 1, 0}, oldLogP, new double[] {10, 20, 60},
                new double[3], new double[3]);
        assertEquals(0, r.policyLoss(), 1e-12);
        // ∂L/∂z_a = −Â·r·(1 − p_a)/n with Â = (A − 30)/std, std = √((400 + 100 + 900)/2) = √700
        assertEquals(-(10 - 30) / Math.sqrt(700) * 0.5 / 3, r.dLogits()[0], 1e-8);
    }

    /** Central differences of the loss in logits and values; ratios spread over both sides of the clip range. */
    @Test
    void gradientMatchesFiniteDifferences() {
        for (boolean clipValue : new boolean[] {true, false}) {
            SplittableRandom rng = new SplittableRandom(42);
            int n = 24, k = 3;
            double[] logits = new double[n * k], values = new double[n], oldLogP = new double[n], adv = new double[n],
                    ret = new double[n], oldV = new double[n];
            int[] actions = new int[n];
            double[] lp = new double[n * k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) logits[i * k + j] = rng.nextGaussian();
                actions[i] = rng.nextInt(k);
                Categorical.logSoftmax(logits, i * k, k, lp);
                // old probabilities making r ∈ {0.5, 0.9, 1.1, 1.6}: two outside the range and two inside, away from the kinks
                double ratio = new double[] {0.5, 0.9, 1.1, 1.6}[i % 4];
                oldLogP[i] = lp[i * k + actions[i]] - Math.log(ratio);
                adv[i] = rng.nextGaussian();
                values[i] = rng.nextGaussian();
                oldV[i] = values[i] + new double[] {-0.5, 0.05, 0.4, -0.1}[(i / 4) % 4];
                ret[i] = rng.nextGaussian();
            }
            PpoLoss loss = new PpoLoss(0.2, clipValue, 0.5, 0.01, true);
            PpoLoss.Result r = loss.evaluate(n, k, logits, values, actions, oldLogP, adv, ret, oldV);
            assertTrue(r.clipFraction() > 0.4 && r.clipFraction() < 0.6);
            double eps = 1e-6, worst = 0;
            for (int i = 0; i < logits.length; i++) {
                double o = logits[i];
                logits[i] = o + eps;
                double up = loss.evaluate(n, k, logits, values, actions, oldLogP, adv, ret, oldV).loss();
                logits[i] = o - eps;
                double down = loss.evaluate(n, k, logits, values, actions, oldLogP, adv, ret, oldV).loss();
                logits[i] = o;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, r.dLogits()[i], 1e-8, "logit " + i);
                worst = Math.max(worst, Math.abs(numeric - r.dLogits()[i]));
            }
            for (int i = 0; i < n; i++) {
                double o = values[i];
                values[i] = o + eps;
                double up = loss.evaluate(n, k, logits, values, actions, oldLogP, adv, ret, oldV).loss();
                values[i] = o - eps;
                double down = loss.evaluate(n, k, logits, values, actions, oldLogP, adv, ret, oldV).loss();
                values[i] = o;
                assertEquals((up - down) / (2 * eps), r.dValues()[i], 1e-8, "value " + i);
            }
            System.out.printf("PPO loss gradient (clip value %b): max |analytic − numeric| over logits %.2e%n", clipValue, worst);
        }
    }
}
