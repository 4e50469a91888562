package jepa.method;

import jepa.accel.loss.RolloutLossLayer;

import jepa.settings.ConfigError;
import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ProbeLossTest {
    static final int B = 4, D = 6, T = RolloutLossLayer.FRAMES;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    private static MultiDataSet randomBatch(long seed, int dots, DataType dt) {
        Nd4j.getRandom().setSeed(seed);
        return LossGraphs.batch(Nd4j.randn(dt, B, 2 * D, T), Nd4j.randn(dt, B, 2 * dots, T));
    }

    @Test
    void layerEqualsPlainJavaReference() {
        for (int dots : new int[]{1, 3}) {
            MultiDataSet m = randomBatch(1, dots, DataType.DOUBLE);
            ComputationGraph cg = LossGraphs.direct(new ProbeLoss(D, dots), D, T, DataType.DOUBLE);
            double ref = ProbeLoss.reference(LossGraphs.toArray3(m.getFeatures(0)), D,
                    ProbeLoss.probeWeights(cg, "loss").toDoubleMatrix(), LossGraphs.toArray3(m.getLabels(0)));
            assertEquals(ref, LossGraphs.loss(cg, m), 1e-10 * ref, "dots " + dots);
        }
    }

    /** PytorchInit.apply on a graph whose only parameter is the bias-free probe: W in C order, U(±1/√D), from the seed. */
    @Test
    void pytorchInitDrawsTheProbeFromTheSeed() {
        int dots = 2;
        ComputationGraph cg = LossGraphs.direct(new ProbeLoss(D, dots), D, T, DataType.DOUBLE);
        assertEquals(1, cg.getLayer("loss").paramTable().size(), "no bias");
        PytorchInit.apply(cg, 78);
        SplittableRandom r = new SplittableRandom(78);
        INDArray w = ProbeLoss.probeWeights(cg, "loss");
        for (int j = 0; j < D; j++)
            for (int o = 0; o < 2 * dots; o++) assertEquals((2 * r.nextDouble() - 1) / Math.sqrt(D), w.getDouble(j, o), 1e-15);
    }

    /** D = 1, rollout = 1 everywhere, q = (1, 2), targets 0: squared Euclidean error 1 + 4 = 5 at every step. */
    @Test
    void handComputedExample() {
        ComputationGraph cg = LossGraphs.direct(new ProbeLoss(1, 1), 1, T, DataType.DOUBLE);
        ProbeLoss.probeWeights(cg, "loss").assign(Nd4j.createFromArray(new double[][]{{1, 2}}));
        INDArray x = Nd4j.ones(DataType.DOUBLE, 2, 2, T);
        assertEquals(5.0, LossGraphs.loss(cg, LossGraphs.batch(x, Nd4j.zeros(DataType.DOUBLE, 2, 2, T))), 1e-12);
        // target (1, 0) on the first dot coordinate at one step of one sequence: error there 0 + 4
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 2, T);
        y.putScalar(0, 0, 3, 1.0);
        assertEquals(5.0 - 1.0 / (2 * T), LossGraphs.loss(cg, LossGraphs.batch(x, y)), 1e-12);
    }

    @Test
    void predictionsUseOnlyTheRolloutWithTheDocumentedLayout() {
        int dots = 3;
        MultiDataSet m = randomBatch(2, dots, DataType.DOUBLE);
        ComputationGraph cg = LossGraphs.direct(new ProbeLoss(D, dots), D, T, DataType.DOUBLE);
        INDArray w = ProbeLoss.probeWeights(cg, "loss");
        assertArrayEquals(new long[]{D, 2 * dots}, w.shape());
        INDArray out = cg.outputSingle(m.getFeatures(0));
        assertArrayEquals(new long[]{B, 2 * dots, T}, out.shape());
        double[][][] x = LossGraphs.toArray3(m.getFeatures(0));
        for (int t : new int[]{0, 9, 16})
            for (int o = 0; o < 2 * dots; o++) {
                double q = 0;
                for (int j = 0; j < D; j++) q += x[2][j][t] * w.getDouble(j, o);
                assertEquals(q, out.getDouble(2, o, t), 1e-12);
            }
        double loss = LossGraphs.loss(cg, m);
        INDArray x2 = m.getFeatures(0).dup();
        x2.get(NDArrayIndex.all(), NDArrayIndex.interval(D, 2 * D), NDArrayIndex.all()).addi(3.0);
        assertEquals(loss, LossGraphs.loss(cg, LossGraphs.batch(x2, m.getLabels(0))), 1e-12, "encoder half unused");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        MultiDataSet m = randomBatch(3, 2, DataType.DOUBLE);
        ComputationGraph cg = LossGraphs.withDense(new ProbeLoss(D, 2), D, T, DataType.DOUBLE, new NoOp(), true);
        assertTrue(LossGraphs.gradientsOk(cg, m));
    }

    @Test
    void lossDecreasesAndProbeWeightsAreLive() {
        MultiDataSet m = randomBatch(4, 1, DataType.FLOAT);
        ComputationGraph cg = LossGraphs.withDense(new ProbeLoss(D, 1), D, T, DataType.FLOAT, new Adam(1e-2), true);
        INDArray view = ProbeLoss.probeWeights(cg, "loss");
        INDArray before = view.dup();
        double first = LossGraphs.loss(cg, m);
        for (int i = 0; i < 20; i++) cg.fit(m);
        double last = LossGraphs.loss(cg, m);
        assertTrue(last < 0.8 * first, first + " -> " + last);
        assertTrue(view.sub(before).amaxNumber().doubleValue() > 1e-3, "the returned matrix is a view on the trained parameters");
    }

    @Test
    void rejectsBadDots() {
        assertThrows(ConfigError.class, () -> new ProbeLoss(D, 0));
    }
}
