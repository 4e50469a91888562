package jepa.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamTest {

    /**
     * PyTorch's Adam, by hand: step 1 has m̂ = g, v̂ = g², so θ −= lr·g/(|g| + ε). Step 2 with g₂:
     * m = 0.9·0.1·g₁ + 0.1·g₂, v = 0.999·0.001·g₁² + 0.001·g₂², m̂ = m/(1 − 0.81), v̂ = v/(1 − 0.998001).
     */
    @Test
    void twoStepsByHand() {
        double eps = 1e-5, lr = 0.1;
        double[] p = {1.0, -2.0}, g = {0.5, -4.0};
        Adam adam = new Adam(2, eps);
        adam.step(p, g, 1.0, lr);
        assertEquals(1.0 - lr * 0.5 / (0.5 + eps), p[0], 1e-15);
        assertEquals(-2.0 + lr * 4.0 / (4.0 + eps), p[1], 1e-15);
        double before = p[0];
        double[] g2 = {-1.0, 0};
        adam.step(p, g2, 0.5, lr);                                   // the clipping scale halves the gradient
        double m = 0.9 * 0.1 * 0.5 + 0.1 * -0.5, v = 0.999 * 0.001 * 0.25 + 0.001 * 0.25;
        assertEquals(before - lr * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.998001)) + eps), p[0], 1e-15);
        assertEquals(2, adam.steps());
    }
}
