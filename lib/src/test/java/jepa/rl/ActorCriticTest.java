package jepa.rl;

import jepa.nn.OrthogonalInit;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActorCriticTest {

    /** A PPO minibatch on random features: everything the loss needs, fixed. */
    record Batch(int n, double[] s, int[] actions, double[] oldLogP, double[] adv, double[] ret, double[] oldV) {
        static Batch random(ActorCritic ac, int n, SplittableRandom rng) {
            int d = ac.featureSize(), k = ac.actions();
            double[] s = new double[n * d];
            for (int i = 0; i < s.length; i++) s[i] = rng.nextGaussian();
            ActorCritic.Output out = ac.forward(s, n);
            double[] lp = new double[n * k], oldLogP = new double[n], adv = new double[n], ret = new double[n], oldV = new double[n];
            int[] actions = new int[n];
            for (int i = 0; i < n; i++) {
                Categorical.logSoftmax(out.logits(), i * k, k, lp);
                actions[i] = rng.nextInt(k);
                oldLogP[i] = lp[i * k + actions[i]] - Math.log(new double[] {0.6, 0.95, 1.05, 1.5}[i % 4]);
                adv[i] = rng.nextGaussian();
                ret[i] = rng.nextGaussian();
                oldV[i] = out.values()[i] + new double[] {-0.5, 0.05, 0.4, -0.1}[(i / 4) % 4];
            }
            return new Batch(n, s, actions, oldLogP, adv, ret, oldV);
        }

        double loss(ActorCritic ac, PpoLoss loss) {
            ActorCritic.Output out = ac.forward(s, n);
            return loss.evaluate(n, ac.actions(), out.logits(), out.values(), actions, oldLogP, adv, ret, oldV).loss();
        }
    }

    /** Central differences of the PPO loss through both heads: every parameter and every feature. */
    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(9);
        ActorCritic ac = new ActorCritic(3, 2, 5, 2, rng);
        // larger output layers than CleanRL's init so that every parameter's gradient is well above the noise
        for (int i = 0; i < ac.params().length; i++) ac.params()[i] += 0.3 * rng.nextGaussian();
        Batch b = Batch.random(ac, 16, rng);
        PpoLoss loss = new PpoLoss(0.2, true, 0.5, 0.01, true);
        ActorCritic.Output out = ac.forward(b.s, b.n);
        PpoLoss.Result r = loss.evaluate(b.n, 2, out.logits(), out.values(), b.actions, b.oldLogP, b.adv, b.ret, b.oldV);
        ac.zeroGrads();
        double[] dLds = ac.backward(out, r.dLogits(), r.dValues(), true);
        double eps = 1e-6, worst = 0;
        double[] p = ac.params();
        for (int i = 0; i < p.length; i++) {
            double o = p[i];
            p[i] = o + eps;
            double up = b.loss(ac, loss);
            p[i] = o - eps;
            double down = b.loss(ac, loss);
            p[i] = o;
            double numeric = (up - down) / (2 * eps), an = ac.grads()[i];
            double rel = Math.abs(numeric - an) / Math.max(Math.abs(numeric) + Math.abs(an), 1e-12);
            assertTrue(Math.abs(numeric - an) < 1e-9 || rel < 1e-5, "param " + i + ": analytic " + an + " numeric " + numeric);
            worst = Math.max(worst, Math.abs(numeric) > 1e-6 ? rel : 0);
        }
        for (int i = 0; i < b.s.length; i++) {
            double o = b.s[i];
            b.s[i] = o + eps;
            double up = b.loss(ac, loss);
            b.s[i] = o - eps;
            double down = b.loss(ac, loss);
            b.s[i] = o;
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, dLds[i], 1e-9 + 1e-5 * Math.abs(numeric), "feature " + i);
        }
        System.out.printf("actor-critic gradient check: %d params, %d features, max relative error %.2e%n", p.length, b.s.length, worst);
        // without the feature gradient the parameter gradient is the same and nothing is returned
        double[] g = ac.grads().clone();
        ac.zeroGrads();
        assertNull(ac.backward(out, r.dLogits(), r.dValues(), false));
        assertEquals(0, maxDiff(g, ac.grads()));
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void cleanRlInitialisation() {
        ActorCritic ac = new ActorCritic(4, 2, 64, 2, new SplittableRandom(1));
        assertEquals(2 * (4 * 64 + 64 + 64 * 64 + 64) + 64 * 2 + 2 + 64 + 1, ac.params().length);
        // first actor layer: W [4, 64] stored [in, out]; PyTorch's [64, 4] has orthonormal columns, scaled by √2
        double[] p = ac.params();
        for (int a = 0; a < 4; a++)
            for (int c = 0; c < 4; c++) {
                double dot = 0;
                for (int o = 0; o < 64; o++) dot += p[a * 64 + o] * p[c * 64 + o];
                assertEquals(a == c ? 2.0 : 0.0, dot, 1e-12);
            }
        for (int o = 0; o < 64; o++) assertEquals(0, p[4 * 64 + o], "biases start at 0");
        // a near-uniform first policy (output gain 0.01) and O(1) values (gain 1)
        double[] s = {0.01, -0.02, 0.03, 0.04, 1, 1, 0.2, -1};
        ActorCritic.Output out = ac.forward(s, 2);
        assertTrue(Math.abs(out.logits()[0] - out.logits()[1]) < 0.05);
        assertTrue(Math.abs(out.values()[1]) < 5);
    }

    @Test
    void orthogonalRowsWhenWide() {
        double[] w = new double[3 * 8];
        OrthogonalInit.fill(w, 0, 8, 3, 0.5, new SplittableRandom(2));      // PyTorch [3, 8]: orthonormal rows × 0.5
        for (int a = 0; a < 3; a++)
            for (int c = 0; c < 3; c++) {
                double dot = 0;
                for (int i = 0; i < 8; i++) dot += w[i * 3 + a] * w[i * 3 + c];
                assertEquals(a == c ? 0.25 : 0.0, dot, 1e-12);
            }
    }
}
