package jepa.rl;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CategoricalTest {

    @Test
    void entropyOfKnownDistributions() {
        double[] lp = new double[4];
        Categorical.logSoftmax(new double[] {0, Math.log(3)}, 0, 2, lp);                // p = (1/4, 3/4)
        assertEquals(Math.log(0.25), lp[0], 1e-15);
        assertEquals(Math.log(0.75), lp[1], 1e-15);
        assertEquals(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), Categorical.entropy(lp, 0, 2), 1e-15);
        assertEquals(0.5623351446188083, Categorical.entropy(lp, 0, 2), 1e-15);
        Categorical.logSoftmax(new double[] {7, 7, 7, 7}, 0, 4, lp);                    // uniform over 4: ln 4
        assertEquals(Math.log(4), Categorical.entropy(lp, 0, 4), 1e-15);
        Categorical.logSoftmax(new double[] {1000, -1000}, 0, 2, lp);                   // stable at extremes: a point mass
        assertEquals(0, Categorical.entropy(lp, 0, 2), 1e-300);
    }

    @Test
    void samplesFollowTheProbabilities() {
        double[] lp = new double[3];
        Categorical.logSoftmax(new double[] {Math.log(0.2), Math.log(0.3), Math.log(0.5)}, 0, 3, lp);
        SplittableRandom rng = new SplittableRandom(1);
        int[] counts = new int[3];
        int n = 200_000;
        for (int i = 0; i < n; i++) counts[Categorical.sample(lp, 0, 3, rng)]++;
        assertEquals(0.2, counts[0] / (double) n, 0.005);
        assertEquals(0.3, counts[1] / (double) n, 0.005);
        assertEquals(0.5, counts[2] / (double) n, 0.005);
    }
}
