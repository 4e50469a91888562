package jepa.method;

import jepa.accel.loss.VicregParams;
import jepa.nn.GraphGradientCheck;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences (double) of the Gru vertex and VicregLoss: every dense and every third GRU parameter of a tiny graph
 * (dense per-frame encoder → GRU → VICReg), B = 4, D = 6 (1 layer) or 4 (2 layers). The dense encoder's parameters receive the gradient of all
 * three VICReg terms (prediction, variance, covariance); the GRU's of the prediction term.
 * DL4J's raw gradient is that of the loss variable B·L ({@link LossScale}), so it is divided by B here.
 */
class GradientCheckTest {

    @Test
    void oneLayerGruAndVicregMatchFiniteDifferences() { check(1, 6); }

    @Test
    void twoLayerGruAndVicregMatchFiniteDifferences() { check(2, 4); }

    private void check(int layers, int d) {
        int b = 4, f = 3;
        ComputationGraph cg = TinyGraphs.denseJepa(f, d, layers, new VicregParams(2.0, 3.0, 1.5, true), 11);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, f, 17).muli(0.5);
        INDArray a = Nd4j.randn(DataType.DOUBLE, b, 2, 16);
        MultiDataSet mds = TinyGraphs.data(x, a);
        cg.setInputs(x, a);
        cg.setLabels(mds.getLabels());
        cg.computeGradientAndScore();
        cg.computeGradientAndScore();           // the second call must give the same (a session-caching bug would not)
        INDArray analytic = cg.gradient().gradient().dup().divi(b);
        long dense = 3L * d + d;                                              // all dense params, every 3rd GRU param
        GraphGradientCheck.Result r = GraphGradientCheck.check(cg, mds, analytic, 1e-9, 1e-5, "", i -> i + (i < dense ? 1 : 3));
        int checked = r.checked(), nonZero = r.nonTrivial();
        double worst = r.worstRelative();
        System.out.printf("gradient check, %d GRU layer(s), D=%d: %d params, max relative error (|g|>1e-6) %.2e%n", layers, d, checked, worst);
        assertTrue(checked >= 3 * d + d + gruParams(layers, d) / 3);
        assertTrue(nonZero > checked * 0.9, "most gradients must be non-trivial, got " + nonZero + "/" + checked);
    }

    private static long gruParams(int layers, int d) {
        long n = 0;
        for (int l = 0; l < layers; l++) n += (l == 0 ? 2 : d) * 3L * d + d * 3L * d + 6L * d;
        return n;
    }
}
