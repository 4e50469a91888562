package jepa.rl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GaeTest {

    /**
     * γ = 0.9, λ = 0.8 (γλ = 0.72), T = 4, two environments (rows t·2 + e).
     * Env 0: rewards 1, values 0.5 0.6 0.7 0.8; terminated at t = 1; cut by the time limit at t = 3 with V(final) = 2.
     *   t=3: δ = 1 + 0.9·2 − 0.8 = 2.0 (bootstrapped, then the recursion stops)     A = 2.0
     *   t=2: δ = 1 + 0.9·0.8 − 0.7 = 1.02                                            A = 1.02 + 0.72·2.0 = 2.46
     *   t=1: δ = 1 + 0 − 0.6 = 0.4 (terminal: no bootstrap, recursion stops)        A = 0.4
     *   t=0: δ = 1 + 0.9·0.6 − 0.5 = 1.04                                            A = 1.04 + 0.72·0.4 = 1.328
     * Env 1: rewards 1, values 1 2 3 4, no episode end, V(after the last step) = 10.
     *   t=3: δ = 1 + 9 − 4 = 6                                                       A = 6
     *   t=2: δ = 1 + 3.6 − 3 = 1.6                                                   A = 1.6 + 0.72·6 = 5.92
     *   t=1: δ = 1 + 2.7 − 2 = 1.7                                                   A = 1.7 + 0.72·5.92 = 5.9624
     *   t=0: δ = 1 + 1.8 − 1 = 1.8                                                   A = 1.8 + 0.72·5.9624 = 6.092928
     */
    @Test
    void handComputedWithTerminalAndTruncation() {
        double[] rewards = {1, 1, 1, 1, 1, 1, 1, 1};
        double[] values = {0.5, 1, 0.6, 2, 0.7, 3, 0.8, 4};
        boolean[] terminated = {false, false, true, false, false, false, false, false};
        boolean[] truncated = {false, false, false, false, false, false, true, false};
        double[] truncationValues = {0, 0, 0, 0, 0, 0, 2.0, 0};
        double[] last = {5.0, 10.0};                                      // env 0's is unused: its last step was cut
        double[] adv = new double[8], ret = new double[8];
        Gae.compute(4, 2, rewards, values, terminated, truncated, truncationValues, last, 0.9, 0.8, adv, ret);
        assertArrayEquals(new double[] {1.328, 6.092928, 0.4, 5.9624, 2.46, 5.92, 2.0, 6.0}, adv, 1e-12);
        for (int i = 0; i < 8; i++) assertEquals(adv[i] + values[i], ret[i], 1e-12);
    }

    @Test
    void terminalWinsOverTruncationAndZeroBootstrapIsCleanRl() {
        double[] adv = new double[1], ret = new double[1];
        Gae.compute(1, 1, new double[] {1}, new double[] {0.3}, new boolean[] {true}, new boolean[] {true}, new double[] {7},
                new double[] {9}, 0.99, 0.95, adv, ret);
        assertEquals(0.7, adv[0], 1e-12, "terminated and truncated at once: no bootstrap");
        // a time-limit end with V(final) = 0 is CleanRL's "done": the same numbers as a terminal end
        double[] r = {1, 1, 1}, v = {0.2, 0.4, 0.6};
        double[] a1 = new double[3], r1 = new double[3], a2 = new double[3], r2 = new double[3];
        Gae.compute(3, 1, r, v, new boolean[] {false, true, false}, new boolean[3], new double[3], new double[] {1}, 0.99, 0.95, a1, r1);
        Gae.compute(3, 1, r, v, new boolean[3], new boolean[] {false, true, false}, new double[3], new double[] {1}, 0.99, 0.95, a2, r2);
        assertArrayEquals(a1, a2, 0);
    }

    @Test
    void lambdaOneIsTheDiscountedReturnAndZeroIsTd() {
        double[] r = {1, 2, 3}, v = {0.5, -0.5, 0.25};
        double[] adv = new double[3], ret = new double[3];
        boolean[] none = new boolean[3];
        Gae.compute(3, 1, r, v, none, none, new double[3], new double[] {4}, 0.5, 1.0, adv, ret);
        assertArrayEquals(new double[] {1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 4, 2 + 0.5 * 3 + 0.25 * 4, 3 + 0.5 * 4}, ret, 1e-12);
        Gae.compute(3, 1, r, v, none, none, new double[3], new double[] {4}, 0.5, 0.0, adv, ret);
        assertArrayEquals(new double[] {1 + 0.5 * -0.5 - 0.5, 2 + 0.5 * 0.25 + 0.5, 3 + 0.5 * 4 - 0.25}, adv, 1e-12);
    }
}
