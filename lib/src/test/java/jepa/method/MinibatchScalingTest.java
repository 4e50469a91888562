package jepa.method;

import jepa.accel.loss.InfoNceLoss;
import jepa.accel.loss.RolloutLossLayer;
import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregParams;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.iter.NdIndexIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@link LossScale} convention, measured for the {@link RolloutLossLayer} losses under miniBatch(true) (DL4J's
 * default, kept by {@link JepaNetwork}): cg.score() = L (the reference batch-mean loss), DL4J's raw gradient is that
 * of the loss variable B·L, and one SGD(lr) step moves every parameter, the loss layer's own and those of a Dense
 * layer below it, by exactly −lr·∂L/∂θ, with ∂L/∂θ from central differences of L.
 */
class MinibatchScalingTest {
    static final int B = 4, D = 3, T = RolloutLossLayer.FRAMES;
    static final double LR = 0.1;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    private static MultiDataSet batch(long seed, int labelRows, int labelFrames) {
        Nd4j.getRandom().setSeed(seed);
        return LossGraphs.batch(Nd4j.randn(DataType.DOUBLE, B, 2 * D, T).muli(0.7),
                Nd4j.randn(DataType.DOUBLE, B, labelRows, labelFrames));
    }

    @Test
    void scoreIsTheReferenceLoss() {
        MultiDataSet m = batch(22, 2, T);
        ComputationGraph cg = LossGraphs.direct(new ProbeLoss(D, 1), D, T, DataType.DOUBLE);
        double ref = ProbeLoss.reference(LossGraphs.toArray3(m.getFeatures(0)), D,
                ProbeLoss.probeWeights(cg, "loss").toDoubleMatrix(), LossGraphs.toArray3(m.getLabels(0)));
        assertEquals(ref, cg.score(m, false), 1e-12 * ref);
        cg.setInputs(m.getFeatures());
        cg.setLabels(m.getLabels());
        cg.computeGradientAndScore();
        assertEquals(ref, cg.score(), 1e-12 * ref, "the score of a backprop pass too");
    }

    @Test
    void probeStepIsLrTimesLossGradient() { check(new ProbeLoss(D, 1), batch(31, 2, T), true, 1.0, true); }

    @Test
    void idmStepIsLrTimesLossGradient() { check(new IdmLoss(D, 0.5), batch(32, 2, T - 1), true, 1.0, true); }

    @Test
    void infoNceStepIsLrTimesLossGradient() {
        MultiDataSet m = batch(33, 2, T);
        check(new InfoNceLoss(D, 0.5, true), LossGraphs.batch(m.getFeatures(0), LossGraphs.dummy(B, DataType.DOUBLE)), true, 1.0, false);
    }

    @Test
    void vicregStepIsLrTimesLossGradient() {
        MultiDataSet m = batch(35, 2, T);
        check(new VicregLoss(D, T, new VicregParams(2.0, 3.0, 1.5, false)),
                LossGraphs.batch(m.getFeatures(0), LossGraphs.dummy(B, DataType.DOUBLE)), true, 1.0, false);
    }

    /** Why JepaNetwork keeps miniBatch(true): with false the step is B times too long. */
    @Test
    void miniBatchFalseStepsBTimesFurther() { check(new ProbeLoss(D, 1), batch(34, 2, T), false, B, true); }

    /** Builds x → Dense → loss with SGD(LR), checks score = L, raw gradient = B·∂L/∂θ, step = −factor·LR·∂L/∂θ. */
    private static void check(Layer loss, MultiDataSet m, boolean miniBatch, double factor, boolean lossHasParams) {
        ComputationGraph cg = LossGraphs.withDense(loss, D, T, DataType.DOUBLE, new Sgd(LR), miniBatch);
        double l = cg.score(m, false);
        Map<String, INDArray> numeric = numericGradients(cg, m);
        assertEquals(lossHasParams, numeric.keySet().stream().anyMatch(k -> k.startsWith("loss_")));

        cg.setInputs(m.getFeatures());
        cg.setLabels(m.getLabels());
        cg.computeGradientAndScore();
        assertEquals(l, cg.score(), 1e-12 * l, "score = L");
        Map<String, INDArray> raw = new LinkedHashMap<>();
        cg.gradient().gradientForVariable().forEach((k, v) -> raw.put(k, v.dup()));
        Map<String, INDArray> before = new LinkedHashMap<>();
        cg.paramTable().forEach((k, v) -> before.put(k, v.dup()));
        cg.fit(m);

        for (Map.Entry<String, INDArray> e : numeric.entrySet()) {
            String k = e.getKey();
            INDArray g = e.getValue();
            assertTrue(g.amaxNumber().doubleValue() > 1e-3, k + ": the gradient must be non-trivial");
            double scale = g.amaxNumber().doubleValue();
            assertEquals(0.0, raw.get(k).sub(g.mul(B)).amaxNumber().doubleValue(), 1e-7 * B * scale,
                    k + ": DL4J's raw gradient is that of B·L");
            INDArray delta = cg.paramTable().get(k).sub(before.get(k));
            assertEquals(0.0, delta.add(g.mul(factor * LR)).amaxNumber().doubleValue(), 1e-7 * factor * LR * scale,
                    k + ": step = -" + factor + "·lr·∂L/∂θ");
        }
    }

    /** ∂L/∂θ (L = cg.score) by central differences, per parameter ("dense_W", "loss_W", ...). */
    private static Map<String, INDArray> numericGradients(ComputationGraph cg, MultiDataSet m) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        double eps = 1e-6;
        for (Map.Entry<String, INDArray> e : cg.paramTable().entrySet()) {
            INDArray p = e.getValue(), g = Nd4j.zeros(DataType.DOUBLE, p.shape());
            // by subscripts: DL4J's dense W is an 'f'-ordered view, linear indices would not line up with g
            for (NdIndexIterator it = new NdIndexIterator(p.shape()); it.hasNext(); ) {
                long[] i = it.next();
                double o = p.getDouble(i);
                p.putScalar(i, o + eps);
                double up = cg.score(m, false);
                p.putScalar(i, o - eps);
                double dn = cg.score(m, false);
                p.putScalar(i, o);
                g.putScalar(i, (up - dn) / (2 * eps));
            }
            out.put(e.getKey(), g);
        }
        return out;
    }
}
