package jepa.accel.loss;

import jepa.method.LossGraphs;

import jepa.settings.ConfigError;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

import static org.junit.jupiter.api.Assertions.*;

class InfoNceLossTest {
    static final int B = 4, D = 6, T = RolloutLossLayer.FRAMES;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    private static INDArray randomX(long seed, double scale) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, B, 2 * D, T).muli(scale);
    }

    @Test
    void layerEqualsPlainJavaReference() {
        for (boolean norm : new boolean[]{true, false}) {
            double tau = norm ? 0.5 : 2.0;
            INDArray x = randomX(11, 1.0);
            ComputationGraph cg = LossGraphs.direct(new InfoNceLoss(D, tau, norm), D, T, DataType.DOUBLE);
            double layer = LossGraphs.loss(cg, LossGraphs.batch(x, LossGraphs.dummy(B, DataType.DOUBLE)));
            double ref = InfoNceLoss.reference(LossGraphs.toArray3(x), D, tau, norm);
            assertEquals(ref, layer, 1e-10 * Math.abs(ref), "normalizeZ=" + norm);
        }
        // same input, same tau: cosine vs raw dot products differ
        double[][][] x = LossGraphs.toArray3(randomX(11, 1.0));
        assertTrue(Math.abs(InfoNceLoss.reference(x, D, 1.0, true) - InfoNceLoss.reference(x, D, 1.0, false)) > 0.1);
    }

    /** N = 2, D = 2, every step the same: P1=(1,0), P2=(0,1), E1=(1,0), E2=(1,1), tau = 1, worked by hand. */
    @Test
    void handComputedTwoSampleExample() {
        double[][] p = {{1, 0}, {0, 1}}, e = {{1, 0}, {1, 1}};
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 4, T);
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 2; j++)
                for (int t = 0; t < T; t++) { x.putScalar(b, j, t, p[b][j]); x.putScalar(b, 2 + j, t, e[b][j]); }
        double eu = Math.E, r = 1 / Math.sqrt(2);
        // raw dot products: rows P1, P2, E1, E2 -> -pos + log(sum over the 3 non-self entries of exp)
        double raw = (2 * (-1 + Math.log(1 + 2 * eu)) + (-1 + Math.log(2 + eu)) + Math.log(3)) / 4;
        // cosine: E2 becomes (1,1)/sqrt2
        double cos = ((-1 + Math.log(1 + eu + Math.exp(r))) + (-r + Math.log(2 + Math.exp(r)))
                + (-1 + Math.log(eu + 1 + Math.exp(r))) + Math.log(3)) / 4;
        MultiDataSet mds = LossGraphs.batch(x, LossGraphs.dummy(2, DataType.DOUBLE));
        double gotRaw = LossGraphs.loss(LossGraphs.direct(new InfoNceLoss(2, 1.0, false), 2, T, DataType.DOUBLE), mds);
        double gotCos = LossGraphs.loss(LossGraphs.direct(new InfoNceLoss(2, 1.0, true), 2, T, DataType.DOUBLE), mds);
        assertEquals(raw, gotRaw, 1e-12);
        assertEquals(cos, gotCos, 1e-12);
        assertTrue(Math.abs(raw - cos) > 0.01, "normalizeZ must change the loss: " + raw + " vs " + cos);
        assertEquals(raw, InfoNceLoss.reference(LossGraphs.toArray3(x), 2, 1.0, false), 1e-12);
    }

    /** float32 at a realistic scale: raw dot products / tau = 0.1 give logits in the hundreds (stable logsumexp). */
    @Test
    void floatLayerMatchesReferenceWithLargeLogits() {
        int b = 16, d = 64;
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.randn(DataType.FLOAT, b, 2 * d, T);
        ComputationGraph cg = LossGraphs.direct(new InfoNceLoss(d, 0.1, false), d, T, DataType.FLOAT);
        double layer = LossGraphs.loss(cg, LossGraphs.batch(x, LossGraphs.dummy(b, DataType.FLOAT)));
        double ref = InfoNceLoss.reference(LossGraphs.toArray3(x), d, 0.1, false);
        assertTrue(ref > 50, "logits must be large here: " + ref);
        assertEquals(ref, layer, 1e-5 * ref);
    }

    @Test
    void temperatureScalesLogits() {
        // tau -> large: all logits -> 0, loss -> log(2N - 1)
        INDArray x = randomX(3, 1.0);
        double big = InfoNceLoss.reference(LossGraphs.toArray3(x), D, 1e6, true);
        assertEquals(Math.log(2 * B - 1), big, 1e-5);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (boolean norm : new boolean[]{true, false}) {
            INDArray x = randomX(5, 0.5);
            ComputationGraph cg = LossGraphs.withDense(new InfoNceLoss(D, norm ? 0.5 : 2.0, norm), D, T, DataType.DOUBLE, new NoOp(), true);
            assertTrue(LossGraphs.gradientsOk(cg, LossGraphs.batch(x, LossGraphs.dummy(B, DataType.DOUBLE))), "normalizeZ=" + norm);
        }
    }

    @Test
    void lossDecreasesWhenTraining() {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.FLOAT, B, 2 * D, T);
        ComputationGraph cg = LossGraphs.withDense(new InfoNceLoss(D, 0.5, true), D, T, DataType.FLOAT, new Adam(1e-2), true);
        MultiDataSet mds = LossGraphs.batch(x, LossGraphs.dummy(B, DataType.FLOAT));
        double first = LossGraphs.loss(cg, mds);
        for (int i = 0; i < 20; i++) cg.fit(mds);
        double last = LossGraphs.loss(cg, mds);
        assertTrue(last < 0.8 * first, first + " -> " + last);
    }

    @Test
    void rejectsBadTemperature() {
        assertThrows(ConfigError.class, () -> new InfoNceLoss(D, 0.0, true));
        assertThrows(ConfigError.class, () -> new InfoNceLoss(0, 1.0, true));
    }
}
