package jepa.optim;

import jepa.settings.ConfigError;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.*;

class ReferenceAdamTest {

    static final double LR = 1e-3;
    // three steps of gradients; the last column is tiny, where ε matters
    static final double[][] G = {{0.5, -0.02, 3.0, 1e-9}, {0.4, 0.01, -2.0, 1e-9}, {-0.1, -0.03, 2.5, 1e-9}};

    @Test
    void defaultsArePyTorchs() {
        Adam a = ReferenceAdam.of(LR);
        assertEquals(LR, a.getLearningRate(), 0.0);
        assertEquals(0.9, a.getBeta1(), 0.0);
        assertEquals(0.999, a.getBeta2(), 0.0);
        assertEquals(1e-8, a.getEpsilon(), 0.0);
        // DL4J's own no-arg defaults agree
        assertEquals(0.9, new Adam().getBeta1(), 0.0);
        assertEquals(0.999, new Adam().getBeta2(), 0.0);
        assertEquals(1e-8, new Adam().getEpsilon(), 0.0);
        assertThrows(ConfigError.class, () -> ReferenceAdam.of(0));
    }

    /** DL4J's Adam updates for three steps (iterations 0, 1, 2). */
    static double[][] dl4jUpdates() {
        int n = G[0].length;
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 2 * n);
        GradientUpdater<?> u = ReferenceAdam.of(LR).instantiate(state, true);
        double[][] out = new double[3][];
        for (int t = 0; t < 3; t++) {
            INDArray g = Nd4j.create(G[t], new long[]{1, n}, DataType.DOUBLE);
            u.applyUpdater(g, t, 0);
            out[t] = g.toDoubleVector();
        }
        return out;
    }

    /** Adam by hand; pyTorchEps: ε added to the bias-corrected √v̂ (PyTorch) or to the raw √v (DL4J). */
    static double[][] handUpdates(boolean pyTorchEps) {
        int n = G[0].length;
        double[] m = new double[n], v = new double[n];
        double[][] out = new double[3][n];
        for (int t = 1; t <= 3; t++) {
            double c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < n; i++) {
                double g = G[t - 1][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                out[t - 1][i] = pyTorchEps
                        ? LR * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8)
                        : LR * Math.sqrt(c2) / c1 * m[i] / (Math.sqrt(v[i]) + 1e-8);
            }
        }
        return out;
    }

    @Test
    void dl4jStepIsAdamWithEpsilonOnTheRawSecondMoment() {
        double[][] d = dl4jUpdates(), h = handUpdates(false);
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < G[0].length; i++) assertEquals(h[t][i], d[t][i], 1e-15, "step " + t + " elem " + i);
    }

    @Test
    void pyTorchDiffersOnlyWhereGradientsAreNearEpsilon() {
        double[][] d = dl4jUpdates(), p = handUpdates(true);
        for (int t = 0; t < 3; t++) {
            // relative gap ≈ ε(1/√(1−β2ᵗ) − 1)/√v̂: 1.6e-5 for |g| = 0.02 at t = 1
            for (int i = 0; i < 3; i++) assertEquals(p[t][i], d[t][i], 1e-4 * Math.abs(p[t][i]), "step " + t + " elem " + i);
            System.out.printf("Adam step %d, |g| = 1e-9: DL4J update %.4e vs PyTorch %.4e%n", t, d[t][3], p[t][3]);
        }
        // for a 1e-9 gradient the first PyTorch step is lr·1e-9/(1e-9 + 1e-8) = lr/11, DL4J's ≈ lr/318
        assertEquals(LR / 11, p[0][3], 1e-12);
        assertTrue(d[0][3] < p[0][3] / 10);
    }
}
