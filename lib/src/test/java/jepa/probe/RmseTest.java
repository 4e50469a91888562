package jepa.probe;

import jepa.method.Center;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RmseTest {

    @Test
    void namedConstants() {
        assertEquals(39.603, Rmse.PX2_PER_NORM2, 5e-4);        // (√(1/12)·21.8)²
        assertEquals(21.8 * 21.8 / 12, Rmse.PX2_PER_NORM2, 1e-12);
        assertEquals(24, Rmse.NORM2_PER_PAPER_MSE, 1e-12);     // 2 coordinates × 12
    }

    @Test
    void onePixelInXGivesOnePixelRmseAndItsPaperMse() {
        // every step of every sequence: target 1 px right of the centre, y at the centre; Center predicts the centre
        int n = 4, steps = 17;
        float[] targets = new float[n * steps * 2];
        float onePx = (float) (1 / Math.sqrt(Rmse.PX2_PER_NORM2)); // 1 px in normalised units
        for (int i = 0; i < n * steps; i++) targets[2 * i] = onePx;
        ProbeData test = ProbeData.of(new float[n * steps], targets, n, steps, 1, 1);
        List<MetricRow> rows = ProbeEvaluation.evaluate(new Center().predictor(1), test, ProbeEvaluation.ROLLOUT, "none");
        assertEquals(17, rows.size());
        for (int t = 0; t < steps; t++) {
            MetricRow r = rows.get(t);
            assertEquals(t, r.step());
            assertEquals(0, r.dot());
            assertEquals("rollout", r.probe());
            assertEquals("none", r.solver());
            assertEquals(1.0, r.rmsePx(), 1e-6);
            assertEquals(Math.pow(1 / 21.8, 2) / 2, r.mse(), 1e-9);
            assertEquals(1 / 21.8 / Math.sqrt(2), r.rmse(), 1e-7);
        }
        assertEquals(1.0, Rmse.codeRmsePx(rows), 1e-6);
        assertEquals(1 / (21.8 * Math.sqrt(2)), Rmse.paperRmse(rows), 1e-7);
    }

    @Test
    void paperRmseFromTheCodesPixelRmse() {
        // reference §7: Center's logged Euclidean 9.377 px is 0.3041 in paper units (÷ 21.8·√2 = 30.83)
        double eNorm = 9.377 * 9.377 / Rmse.PX2_PER_NORM2;
        List<MetricRow> rows = Rmse.rows("rollout", "none", new double[][]{{eNorm}});
        assertEquals(9.377, rows.get(0).rmsePx(), 1e-9);
        assertEquals(0.3041, rows.get(0).rmse(), 1e-4);
        // stationary dot: normalised error exactly 2 (unit variance per coordinate) → √(1/12) and 8.90 px
        MetricRow s = Rmse.rows("rollout", "none", new double[][]{{2.0}}).get(0);
        assertEquals(Math.sqrt(1.0 / 12), s.rmse(), 1e-12);
        assertEquals(8.8998, s.rmsePx(), 1e-4);
    }

    @Test
    void aggregatesAverageInMseSpace() {
        // two steps, one dot: mse 0 and 0.04 → √0.02 (not the mean RMSE 0.1)
        List<MetricRow> rows = Rmse.rows("rollout", "exact", new double[][]{{0}, {24 * 0.04}});
        assertEquals(Math.sqrt(0.02), Rmse.paperRmse(rows), 1e-12);
        // three dots over two steps
        double[][] e = {{24 * 0.01, 24 * 0.04, 24 * 0.0}, {24 * 0.03, 24 * 0.04, 24 * 0.0004}};
        List<MetricRow> all = Rmse.rows("rollout", "exact", e);
        double[] perDot = Rmse.paperRmseByDot(all);
        assertArrayEquals(new double[]{Math.sqrt(0.02), 0.2, Math.sqrt(0.0002)}, perDot, 1e-12);
        assertEquals(Rmse.paperRmse(all), Rmse.tableAverage(perDot), 1e-12);
    }

    @Test
    void tableOneAverageIsTheRootMeanSquareOfDots() {
        // reference §5.4, SimCLR: √((0.193² + 0.193² + 0.025²)/3) = 0.158, not the arithmetic mean 0.137
        assertEquals(0.158, Rmse.tableAverage(0.193, 0.193, 0.025), 5e-4);
    }

    @Test
    void evaluationOfAKnownLinearProbe() {
        // 2 sequences, 2 steps, D = 2, one dot; W = identity so predictions are the representations
        float[] reps = {0, 0, 1, 0, /* seq 1 */ 0, 2, 0, 0};
        float[] targets = {0, 0, 0, 0, /* seq 1 */ 0, 0, 3, 4};
        ProbeData test = ProbeData.of(reps, targets, 2, 2, 2, 1);
        double[][] e = ProbeEvaluation.squaredErrors(LinearProbe.of(new double[][]{{1, 0}, {0, 1}}), test);
        // step 0: errors (0,0) and (0,2) → (0 + 4)/2; step 1: (1,0) and (−3,−4) → (1 + 25)/2
        assertArrayEquals(new double[]{2.0}, e[0], 1e-12);
        assertArrayEquals(new double[]{13.0}, e[1], 1e-12);
    }
}
