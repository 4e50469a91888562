package jepa.method;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What DL4J M2.1 does with a SameDiffOutputLayer's value (documents it for the network code):
 * score() = value / B always (SameDiffOutputLayer.computeScore divides by the minibatch size), and
 * fit() applies gradient / B when miniBatch(true) (the default), the raw gradient when miniBatch(false).
 * Our layers return the reference's batch-mean loss, so for reference-faithful steps use miniBatch(false)
 * (or scale the learning rate by B) and multiply score() by B.
 */
class MinibatchScalingTest {
    static final int B = 4, D = 6, T = RolloutLossLayer.FRAMES;
    static final double LR = 0.1;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    /** Returns (parameter change of one SGD step) / (lr * raw gradient), which should be a single number. */
    private static double stepOverGradient(boolean miniBatch) {
        Nd4j.getRandom().setSeed(21);
        MultiDataSet m = LossGraphs.batch(Nd4j.randn(DataType.DOUBLE, B, 2 * D, T), Nd4j.randn(DataType.DOUBLE, B, 2, T));
        ComputationGraph cg = LossGraphs.withDense(new ProbeLoss(D, 1), D, T, DataType.DOUBLE, new Sgd(LR), miniBatch);
        cg.setInputs(m.getFeatures());
        cg.setLabels(m.getLabels());
        cg.computeGradientAndScore();
        INDArray grad = cg.gradient().gradient().dup();
        INDArray before = cg.params().dup();
        cg.fit(m);
        INDArray step = before.sub(cg.params());
        double ratio = step.getDouble(0) / (LR * grad.getDouble(0));
        assertEquals(0.0, step.sub(grad.mul(LR * ratio)).amaxNumber().doubleValue(), 1e-12, "one factor for all parameters");
        return ratio;
    }

    @Test
    void scoreIsTheLossDividedByBatchSize() {
        Nd4j.getRandom().setSeed(22);
        MultiDataSet m = LossGraphs.batch(Nd4j.randn(DataType.DOUBLE, B, 2 * D, T), Nd4j.randn(DataType.DOUBLE, B, 2, T));
        ComputationGraph cg = LossGraphs.direct(new ProbeLoss(D, 1), D, T, DataType.DOUBLE);
        double ref = ProbeLoss.reference(LossGraphs.toArray3(m.getFeatures(0)), D,
                ProbeLoss.probeWeights(cg, "loss").toDoubleMatrix(), LossGraphs.toArray3(m.getLabels(0)));
        assertEquals(ref / B, cg.score(m, false), 1e-12 * ref);
    }

    @Test
    void miniBatchTrueDividesTheGradientByBatchSize() {
        assertEquals(1.0 / B, stepOverGradient(true), 1e-9);
    }

    @Test
    void miniBatchFalseAppliesTheRawGradient() {
        assertEquals(1.0, stepOverGradient(false), 1e-9);
    }
}
