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

class IdmLossTest {
    static final int B = 4, D = 6, T = RolloutLossLayer.FRAMES;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    private static MultiDataSet randomBatch(long seed, DataType dt) {
        Nd4j.getRandom().setSeed(seed);
        return LossGraphs.batch(Nd4j.randn(dt, B, 2 * D, T), Nd4j.randn(dt, B, 2, T - 1));
    }

    private static double reference(ComputationGraph cg, MultiDataSet m, double coeff) {
        return IdmLoss.reference(LossGraphs.toArray3(m.getFeatures(0)), D, IdmLoss.headWeights(cg, "loss").toDoubleMatrix(),
                IdmLoss.headBias(cg, "loss").toDoubleVector(), LossGraphs.toArray3(m.getLabels(0)), coeff);
    }

    @Test
    void layerEqualsPlainJavaReference() {
        MultiDataSet m = randomBatch(1, DataType.DOUBLE);
        for (double coeff : new double[]{1.0, 0.04208}) {
            ComputationGraph cg = LossGraphs.direct(new IdmLoss(D, coeff), D, T, DataType.DOUBLE);
            double ref = reference(cg, m, coeff);
            assertEquals(ref, LossGraphs.loss(cg, m), 1e-10 * ref, "coeff " + coeff);
        }
    }

    @Test
    void headInitIsPyTorchUniformWithBias() {
        ComputationGraph cg = LossGraphs.direct(new IdmLoss(D, 1.0), D, T, DataType.DOUBLE);
        INDArray w = IdmLoss.headWeights(cg, "loss"), b = IdmLoss.headBias(cg, "loss");
        assertArrayEquals(new long[]{2 * D, 2}, w.shape());
        assertArrayEquals(new long[]{1, 2}, b.shape());
        double bound = 1 / Math.sqrt(2 * D);
        assertTrue(w.amaxNumber().doubleValue() <= bound && b.amaxNumber().doubleValue() <= bound);
        assertTrue(w.amaxNumber().doubleValue() > 0.5 * bound, "weights look uninitialised");
        assertTrue(b.amaxNumber().doubleValue() > 0, "bias is trainable and randomly initialised");
    }

    /** PytorchInit.apply on a graph whose only parameters are the head: W (C order) then b, U(±1/√(2D)), from the seed. */
    @Test
    void pytorchInitDrawsWeightsThenBiasFromTheSeed() {
        ComputationGraph cg = LossGraphs.direct(new IdmLoss(D, 1.0), D, T, DataType.DOUBLE);
        PytorchInit.apply(cg, 77);
        SplittableRandom r = new SplittableRandom(77);
        double bound = 1 / Math.sqrt(2 * D);
        INDArray w = IdmLoss.headWeights(cg, "loss"), b = IdmLoss.headBias(cg, "loss");
        for (int i = 0; i < 2 * D; i++)
            for (int c = 0; c < 2; c++) assertEquals((2 * r.nextDouble() - 1) * bound, w.getDouble(i, c), 1e-15);
        for (int c = 0; c < 2; c++) assertEquals((2 * r.nextDouble() - 1) * bound, b.getDouble(0, c), 1e-15);
    }

    /** current = s_1 for the first action, then the GRU predictions s~_i, never the encodings s_i. */
    @Test
    void headUsesPredictedStateAfterFirstStep() {
        MultiDataSet m = randomBatch(2, DataType.DOUBLE);   // rollout half and encoder half are independent: s~ != s
        ComputationGraph cg = LossGraphs.direct(new IdmLoss(D, 1.0), D, T, DataType.DOUBLE);
        double[][][] x = LossGraphs.toArray3(m.getFeatures(0));
        double[][] w = IdmLoss.headWeights(cg, "loss").toDoubleMatrix();
        double[] bias = IdmLoss.headBias(cg, "loss").toDoubleVector();

        // by hand: a^_i = [x[:,0:D,i], x[:,D:2D,i+1]] . W + b (i = 0 uses s_1 = x[:,0:D,0]); the other variant
        // (the paper's: encoder states as current) uses x[:,D:2D,i] instead
        INDArray predicted = Nd4j.zeros(DataType.DOUBLE, B, 2, T - 1), viaEncoder = predicted.dup();
        for (int b = 0; b < B; b++)
            for (int i = 0; i < T - 1; i++)
                for (int c = 0; c < 2; c++) {
                    double h = bias[c], g = bias[c];
                    for (int j = 0; j < D; j++) {
                        h += w[j][c] * x[b][j][i] + w[D + j][c] * x[b][D + j][i + 1];
                        g += w[j][c] * x[b][D + j][i] + w[D + j][c] * x[b][D + j][i + 1];
                    }
                    predicted.putScalar(b, c, i, h);
                    viaEncoder.putScalar(b, c, i, g);
                }
        INDArray out = cg.outputSingle(m.getFeatures(0));
        assertArrayEquals(new long[]{B, 2, T - 1}, out.shape());
        assertEquals(0.0, out.sub(predicted).amaxNumber().doubleValue(), 1e-12);
        // labels = the predicted-current actions: loss 0; labels from the encoder-current variant: clearly not 0
        assertEquals(0.0, LossGraphs.loss(cg, LossGraphs.batch(m.getFeatures(0), predicted)), 1e-20);
        assertTrue(LossGraphs.loss(cg, LossGraphs.batch(m.getFeatures(0), viaEncoder)) > 1e-2);

        // unused inputs: the encoder copy of s_1 (x[:, D:2D, 0]) and the last prediction s~_17
        double layer = LossGraphs.loss(cg, m);
        INDArray x2 = m.getFeatures(0).dup();
        x2.get(NDArrayIndex.all(), NDArrayIndex.interval(D, 2 * D), NDArrayIndex.point(0)).addi(5.0);
        x2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, D), NDArrayIndex.point(T - 1)).addi(5.0);
        assertEquals(layer, LossGraphs.loss(cg, LossGraphs.batch(x2, m.getLabels(0))), 1e-12);
        // used: a prediction in the middle of the rollout
        x2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, D), NDArrayIndex.point(5)).addi(1.0);
        assertNotEquals(layer, LossGraphs.loss(cg, LossGraphs.batch(x2, m.getLabels(0))), 1e-3);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        MultiDataSet m = randomBatch(3, DataType.DOUBLE);
        ComputationGraph cg = LossGraphs.withDense(new IdmLoss(D, 0.5), D, T, DataType.DOUBLE, new NoOp(), true);
        assertTrue(LossGraphs.gradientsOk(cg, m));
    }

    @Test
    void lossDecreasesWhenTraining() {
        MultiDataSet m = randomBatch(4, DataType.FLOAT);
        ComputationGraph cg = LossGraphs.withDense(new IdmLoss(D, 1.0), D, T, DataType.FLOAT, new Adam(1e-2), true);
        double first = LossGraphs.loss(cg, m);
        for (int i = 0; i < 20; i++) cg.fit(m);
        double last = LossGraphs.loss(cg, m);
        assertTrue(last < 0.8 * first, first + " -> " + last);
    }

    @Test
    void rejectsBadCoefficient() {
        assertThrows(ConfigError.class, () -> new IdmLoss(D, 0.0));
    }
}
