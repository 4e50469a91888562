package jepa.method;

import jepa.probe.MetricRow;
import jepa.probe.ProbeData;
import jepa.probe.Rmse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class CenterTest {

    @Test
    void uniformTargetsGiveRootOneTwelfth() {
        // normalised targets uniform on [−√3, √3] (unit variance per coordinate). Dots 0 and 1 jump every step,
        // dot 2 is stationary (the same draw at all 17 steps), as in the 3-dot world
        int n = 3000, steps = 17, dots = 3;
        SplittableRandom rng = new SplittableRandom(42);
        float[] targets = new float[n * steps * dots * 2];
        double h = Math.sqrt(3);
        for (int s = 0; s < n; s++) {
            double sx = rng.nextDouble(-h, h), sy = rng.nextDouble(-h, h);
            for (int t = 0; t < steps; t++) {
                int base = (s * steps + t) * dots * 2;
                for (int j = 0; j < 2; j++) {
                    targets[base + 2 * j] = (float) rng.nextDouble(-h, h);
                    targets[base + 2 * j + 1] = (float) rng.nextDouble(-h, h);
                }
                targets[base + 4] = (float) sx;
                targets[base + 5] = (float) sy;
            }
        }
        ProbeData test = ProbeData.of(new float[n * steps], targets, n, steps, 1, dots);
        List<MetricRow> rows = jepa.probe.ProbeEvaluation.evaluate(new Center().predictor(dots), test, "rollout", "none");
        assertEquals(steps * dots, rows.size());
        assertEquals(16, rows.get(rows.size() - 1).step());
        assertEquals(2, rows.get(rows.size() - 1).dot());
        double[] perDot = Rmse.paperRmseByDot(rows);
        System.out.printf("Center on uniform targets: per dot %.4f %.4f %.4f, average %.4f, code px %.3f%n",
                perDot[0], perDot[1], perDot[2], Rmse.tableAverage(perDot), Rmse.codeRmsePx(rows));
        for (int j = 0; j < dots; j++) assertEquals(Math.sqrt(1.0 / 12), perDot[j], 3e-3, "dot " + j);
        assertEquals(0.2887, Rmse.tableAverage(perDot), 2e-3);
        assertEquals(8.90, Rmse.codeRmsePx(rows), 0.05); // the reference's logged Euclidean px RMSE, stationary dot
    }

    @Test
    void predictsTheCentreWhateverTheInput() {
        var c = new Center().predictor(2);
        assertEquals(4, c.outputs());
        var out = c.predict(org.nd4j.linalg.factory.Nd4j.rand(5, 7));
        assertArrayEquals(new long[]{5, 4}, out.shape());
        assertEquals(0.0, out.amaxNumber().doubleValue(), 0);
        assertThrows(IllegalArgumentException.class, () -> new Center().predictor(0));
    }
}
