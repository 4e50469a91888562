package jepa.world;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CartPoleTest {

    private static void assertState(double x, double xDot, double theta, double thetaDot, CartPole.State s) {
        assertEquals(x, s.x(), 1e-12, "x");
        assertEquals(xDot, s.xDot(), 1e-12, "x dot");
        assertEquals(theta, s.theta(), 1e-12, "theta");
        assertEquals(thetaDot, s.thetaDot(), 1e-12, "theta dot");
    }

    /**
     * From rest, pushing right. With θ = 0: temp = F/(m_c+m_p) = 100/11; θ̈ = −temp/(l·(4/3 − m_p/(m_c+m_p)))
     * = −(100/11)/(0.5·41/33) = −600/41; ẍ = temp − m_p·l·θ̈/(m_c+m_p) = 100/11 + 300/451 = 400/41.
     * Euler: positions move with the old velocities, so x and θ stay 0 after step 1 and move only in step 2.
     */
    @Test
    void twoStepsFromRestByHand() {
        CartPole.State s = new CartPole.State(0, 0, 0, 0);
        s = CartPole.next(s, CartPole.RIGHT);
        assertState(0, 0.02 * 400 / 41, 0, -0.02 * 600 / 41, s);               // 8/41, −12/41
        s = CartPole.next(s, CartPole.RIGHT);                                   // θ still 0: same accelerations
        assertState(0.02 * 8 / 41, 16.0 / 41, 0.02 * -12 / 41, -24.0 / 41, s);
        // Step 3: θ = −0.24/41 ≠ 0 now. sin θ = −0.0058536251, cos θ = 0.9999828676, θ̇² = 0.3426531;
        // temp = (10 + 0.05·0.3426531·sin θ)/1.1 = 9.0908179199; θ̈ = (9.8 sin θ − cos θ·temp)/(0.5(4/3 − 0.1cos²θ/1.1))
        // = −14.726056444; ẍ = temp − 0.05·θ̈·cos θ/1.1 = 9.7601726539.
        s = CartPole.next(s, CartPole.RIGHT);
        assertState(0.02 * 8 / 41 + 0.02 * 16 / 41, 16.0 / 41 + 0.02 * 9.7601726539, -0.24 / 41 + 0.02 * -24 / 41,
                -24.0 / 41 + 0.02 * -14.726056444, s);
        assertEquals(0.585447355516259, s.xDot(), 1e-9);
        assertEquals(-0.8798869825388553, s.thetaDot(), 1e-9);
    }

    /** A tilted, moving start pushed left: every term of the equations is non-zero. */
    @Test
    void tiltedStartPushedLeftByHand() {
        CartPole.State s = CartPole.next(new CartPole.State(0.01, -0.02, 0.03, 0.04), CartPole.LEFT);
        // temp = (−10 + 0.05·0.0016·sin 0.03)/1.1 = −9.0909069094; θ̈ = (9.8·sin 0.03 − cos 0.03·temp)/(0.5(4/3 − 0.1cos²0.03/1.1))
        // = 15.0997611888; ẍ = temp − 0.05·θ̈·cos 0.03/1.1 = −9.7769508551
        assertState(0.01 + 0.02 * -0.02, -0.02 + 0.02 * -9.7769508551, 0.03 + 0.02 * 0.04, 0.04 + 0.02 * 15.0997611888, s);
    }

    @Test
    void pushesMoveTheCartBothWays() {
        CartPole.State rest = new CartPole.State(0, 0, 0, 0);
        assertTrue(CartPole.next(rest, CartPole.RIGHT).xDot() > 0);
        assertTrue(CartPole.next(rest, CartPole.LEFT).xDot() < 0);
        assertTrue(CartPole.next(rest, CartPole.RIGHT).thetaDot() < 0, "pushing the cart right tips the pole left");
        assertThrows(IllegalArgumentException.class, () -> CartPole.next(rest, 2));
    }

    @Test
    void startStateIsUniformInTheBound() {
        CartPole env = new CartPole(500);
        SplittableRandom rng = new SplittableRandom(3);
        double max = 0;
        for (int i = 0; i < 1000; i++) {
            CartPole.State s = env.reset(rng);
            for (double v : new double[] {s.x(), s.xDot(), s.theta(), s.thetaDot()}) {
                assertTrue(v >= -0.05 && v < 0.05, "start component " + v);
                max = Math.max(max, Math.abs(v));
            }
        }
        assertTrue(max > 0.049, "the whole range is used");
        assertEquals(env.reset(new SplittableRandom(7)), new CartPole(500).reset(new SplittableRandom(7)));
    }

    @Test
    void terminatesBeyondTheThresholdsOnly() {
        assertFalse(CartPole.failed(new CartPole.State(2.4, 0, 0.2094, 0)));
        assertTrue(CartPole.failed(new CartPole.State(2.4001, 0, 0, 0)));
        assertTrue(CartPole.failed(new CartPole.State(-2.4001, 0, 0, 0)));
        assertEquals(0.20943951023931953, CartPole.THETA_THRESHOLD, 1e-15);
        assertTrue(CartPole.failed(new CartPole.State(0, 0, 0.2095, 0)));
        assertTrue(CartPole.failed(new CartPole.State(0, 0, -0.2095, 0)));
    }

    @Test
    void aFallingPoleTerminatesWithReward() {
        CartPole env = new CartPole(500);
        env.reset(new CartPole.State(0, 0, 0.2, 1.0));          // θ + τ·θ̇ = 0.22 > 0.2095 after one step
        CartPole.Step step = env.step(CartPole.RIGHT);
        assertTrue(step.terminated());
        assertFalse(step.truncated());
        assertEquals(1.0, step.reward());
        assertThrows(IllegalStateException.class, () -> env.step(CartPole.LEFT));
    }

    @Test
    void truncatesAtTheStepLimit() {
        CartPole env = new CartPole(500);
        env.reset(new CartPole.State(0, 0, 0, 0));
        int steps = 0;
        CartPole.Step step;
        do {       // a bang-bang controller that keeps the pole up for 500 steps
            CartPole.State s = env.state();
            step = env.step(s.theta() + 0.5 * s.thetaDot() + 0.05 * s.xDot() + 0.01 * s.x() > 0 ? CartPole.RIGHT : CartPole.LEFT);
            steps++;
            assertEquals(1.0, step.reward());
        } while (!step.done());
        assertEquals(500, steps);
        assertTrue(step.truncated());
        assertFalse(step.terminated());
        CartPole short3 = new CartPole(3);
        short3.reset(new CartPole.State(0, 0, 0, 0));
        assertFalse(short3.step(0).done());
        assertFalse(short3.step(1).done());
        assertTrue(short3.step(0).truncated());
    }

    @Test
    void observationIsTheFloatState() {
        CartPole.State s = new CartPole.State(0.1, -0.2, 0.03, 1e-9);
        float[] o = s.observation();
        assertEquals(4, o.length);
        assertEquals(0.1f, o[0]);
        assertEquals(-0.2f, o[1]);
        assertEquals(0.03f, o[2]);
        assertEquals(1e-9f, o[3]);
    }
}
