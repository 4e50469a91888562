package jepa.probe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LinearProbeTest {

    static double[][] gaussian(Random r, int rows, int cols, double scale) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian() * scale;
        return a;
    }

    static void assertMatrixEquals(double[][] expected, double[][] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++)
            for (int j = 0; j < expected[i].length; j++)
                assertEquals(expected[i][j], actual[i][j], tol, "entry " + i + "," + j);
    }

    @Test
    void recoversKnownMapExactlyWithoutNoise() {
        Random r = new Random(1);
        for (int k : new int[]{2, 6}) {
            INDArray x = Nd4j.create(gaussian(r, 500, 20, 1.0));
            double[][] wTrue = gaussian(r, 20, k, 1.0);
            INDArray y = x.mmul(Nd4j.create(wTrue));
            LinearProbe p = LinearProbe.fitLeastSquares(x, y, 0);
            assertMatrixEquals(wTrue, p.weights(), 1e-8);
            assertEquals(k, p.outputs());
        }
    }

    @Test
    void withNoiseSatisfiesTheNormalEquations() {
        Random r = new Random(2);
        INDArray x = Nd4j.create(gaussian(r, 500, 20, 1.0));
        INDArray y = x.mmul(Nd4j.create(gaussian(r, 20, 6, 1.0))).addi(Nd4j.create(gaussian(r, 500, 6, 0.5)));
        double[][] w = LinearProbe.fitLeastSquares(x, y, 0).weights();
        // independent solution: (XᵀX)⁻¹ XᵀY with ND4J's LU inverse
        INDArray xtx = x.transpose().mmul(x);
        double[][] ref = InvertMatrix.invert(xtx, false).mmul(x.transpose().mmul(y)).toDoubleMatrix();
        assertMatrixEquals(ref, w, 1e-9);
        // optimality: the residual is orthogonal to every feature
        INDArray grad = x.transpose().mmul(y.sub(x.mmul(Nd4j.create(w))));
        assertTrue(grad.amaxNumber().doubleValue() < 1e-9 * y.norm2Number().doubleValue(), "gradient " + grad.amaxNumber());
    }

    @Test
    void ridgeIsPerRowAsInSparkRegParam() {
        Random r = new Random(3);
        INDArray x = Nd4j.create(gaussian(r, 200, 5, 1.0));
        INDArray y = Nd4j.create(gaussian(r, 200, 2, 1.0));
        double ridge = 0.3;
        double[][] w = LinearProbe.fitLeastSquares(x, y, ridge).weights();
        INDArray a = x.transpose().mmul(x).divi(200).addi(Nd4j.eye(5).castTo(DataType.DOUBLE).muli(ridge));
        double[][] ref = InvertMatrix.invert(a, false).mmul(x.transpose().mmul(y).divi(200)).toDoubleMatrix();
        assertMatrixEquals(ref, w, 1e-10);
    }

    @Test
    void collapsedFeaturesGiveTheMinimumNormSolution() {
        // feature 1 duplicates feature 0, feature 2 is constant zero: XᵀX is singular
        Random r = new Random(4);
        double[][] x = new double[100][3];
        double[][] y = new double[100][2];
        for (int i = 0; i < 100; i++) {
            x[i][0] = x[i][1] = r.nextGaussian();
            y[i][0] = 2 * x[i][0];
            y[i][1] = -x[i][0];
        }
        double[][] w = LinearProbe.fitLeastSquares(Nd4j.create(x), Nd4j.create(y), 0).weights();
        // min-norm splits the weight equally over the duplicates, nothing on the dead feature
        assertMatrixEquals(new double[][]{{1, -0.5}, {1, -0.5}, {0, 0}}, w, 1e-9);
    }

    @Test
    void probeDataPathEqualsFlatPathAndPredictsPerStep() {
        Random r = new Random(5);
        int n = 30, steps = 17, d = 6, dots = 3;
        float[] reps = new float[n * steps * d], targets = new float[n * steps * dots * 2];
        for (int i = 0; i < reps.length; i++) reps[i] = (float) r.nextGaussian();
        for (int i = 0; i < targets.length; i++) targets[i] = (float) r.nextGaussian();
        ProbeData data = ProbeData.of(reps, targets, n, steps, d, dots);
        ProbeData.Flat f = data.flatten();
        assertArrayEquals(new long[]{n * steps, d}, f.x().shape());
        assertArrayEquals(new long[]{n * steps, 2 * dots}, f.y().shape());
        // row (seq 4, step 9), column dot 2 · 2 + y
        assertEquals(targets[((4 * steps + 9) * dots + 2) * 2 + 1], f.y().getFloat(4 * steps + 9, 5), 0);
        assertMatrixEquals(LinearProbe.fitLeastSquares(f.x(), f.y(), 0).weights(), LinearProbe.fitLeastSquares(data, 0).weights(), 1e-9);

        LinearProbe p = LinearProbe.of(gaussian(r, d, 2 * dots, 1));
        INDArray pred = p.predict(f.x());
        assertEquals(DataType.FLOAT, pred.dataType());
        double expect = 0;
        double[][] w = p.weights();
        for (int i = 0; i < d; i++) expect += reps[(7 * steps + 3) * d + i] * w[i][4];
        assertEquals(expect, pred.getDouble(7 * steps + 3, 4), 1e-5);
    }

    @Test
    void adamConvergesToTheLeastSquaresOptimum() {
        Random r = new Random(6);
        int n = 800, steps = 5, d = 8, dots = 1;
        double[][] wTrue = new double[d][2];
        for (double[] row : wTrue) for (int j = 0; j < 2; j++) row[j] = r.nextDouble() - 0.5;
        float[] reps = new float[n * steps * d], targets = new float[n * steps * 2];
        for (int row = 0; row < n * steps; row++) {
            for (int i = 0; i < d; i++) reps[row * d + i] = (float) r.nextGaussian();
            for (int c = 0; c < 2; c++) {
                double v = 0.3 * r.nextGaussian();
                for (int i = 0; i < d; i++) v += reps[row * d + i] * wTrue[i][c];
                targets[row * 2 + c] = (float) v;
            }
        }
        ProbeData data = ProbeData.of(reps, targets, n, steps, d, dots);
        LinearProbe exact = LinearProbe.fitLeastSquares(data, 0);
        long t0 = System.nanoTime();
        LinearProbe adam = LinearProbe.fitAdam(data, AdamProbeParams.of(AdamProbeParams.DEFAULT_LR, 100, 32, 7));
        System.out.printf("fitAdam: 2500 steps in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        double optimum = meanE(ProbeEvaluation.squaredErrors(exact, data));
        double reached = meanE(ProbeEvaluation.squaredErrors(adam, data));
        assertTrue(optimum > 0.17 && optimum < 0.19, "optimum " + optimum); // ≈ 2·0.3², the noise floor
        assertTrue(reached >= optimum - 1e-9, "cannot beat least squares: " + reached + " < " + optimum);
        assertTrue(reached < 1.03 * optimum, "adam " + reached + " vs optimum " + optimum);
        // the reported training loss is the reference loss: mean over steps and dots of the squared x+y error
        double[] curve = adam.epochLoss();
        assertEquals(100, curve.length);
        assertTrue(curve[0] > 2 * curve[99], "loss should fall: " + curve[0] + " → " + curve[99]);
        assertEquals(reached, curve[99], 0.05 * reached);
        System.out.printf("adam %.5f vs least squares %.5f, last epoch loss %.5f%n", reached, optimum, curve[99]);
    }

    @Test
    void adamIsReproducibleFromItsSeed() {
        Random r = new Random(8);
        float[] reps = new float[50 * 3 * 4], targets = new float[50 * 3 * 2 * 2];
        for (int i = 0; i < reps.length; i++) reps[i] = (float) r.nextGaussian();
        for (int i = 0; i < targets.length; i++) targets[i] = (float) r.nextGaussian();
        ProbeData data = ProbeData.of(reps, targets, 50, 3, 4, 2);
        double[][] a = LinearProbe.fitAdam(data, AdamProbeParams.of(1e-3, 2, 8, 11)).weights();
        assertMatrixEquals(a, LinearProbe.fitAdam(data, AdamProbeParams.of(1e-3, 2, 8, 11)).weights(), 0);
        double[][] b = LinearProbe.fitAdam(data, AdamProbeParams.of(1e-3, 2, 8, 12)).weights();
        assertNotEquals(a[0][0], b[0][0]);
    }

    @Test
    void badInputsAreRejectedWithTheirNames() {
        assertThrows(IllegalArgumentException.class, () -> new ProbeData(Nd4j.zeros(2, 17, 4), Nd4j.zeros(2, 16, 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> new ProbeData(Nd4j.zeros(2, 17, 4), Nd4j.zeros(2, 17, 1, 3)));
        var e = assertThrows(jepa.settings.ConfigError.class, () -> AdamProbeParams.of(1e-3, 0, 64, 1));
        assertTrue(e.getMessage().contains("probe.epochs"), e.getMessage());
        assertThrows(jepa.settings.ConfigError.class, () -> AdamProbeParams.of(0, 30, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fitLeastSquares(Nd4j.zeros(5, 3), Nd4j.zeros(5, 2), -1));
    }

    static double meanE(double[][] e) {
        double s = 0;
        int c = 0;
        for (double[] row : e) for (double v : row) { s += v; c++; }
        return s / c;
    }
}
