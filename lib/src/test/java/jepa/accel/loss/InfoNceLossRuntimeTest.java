package jepa.accel.loss;

import jepa.method.LossGraphs;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link InfoNceLossRuntime} against DL4J's stock SameDiff runtime of {@link InfoNceLoss#defineLayer} (score and
 * epsilon B·∂L/∂x) in double and float, with and without normalised rows; against the plain-Java reference and central
 * finite differences of its own score; activations are the input.
 */
class InfoNceLossRuntimeTest {
    static final int T = RolloutLossLayer.FRAMES;

    static ComputationGraph graph(int d, double tau, boolean norm, DataType dt) {
        return LossGraphs.direct(new InfoNceLoss(d, tau, norm), d, T, dt);
    }

    private static void compare(double tau, boolean norm, int b, int d, DataType dt, double tol) {
        ComputationGraph cg = graph(d, tau, norm, dt);
        assertInstanceOf(InfoNceLossRuntime.class, cg.getLayer("loss"));
        INDArray x = VicregLossRuntimeTest.batch(b, d, dt, 5 + b + d);
        Object[] fast = VicregLossRuntimeTest.run((IOutputLayer) cg.getLayer("loss"), x);
        Object[] old = VicregLossRuntimeTest.run(VicregLossRuntimeTest.stock(cg, dt), x);
        double sf = (double) fast[0], so = (double) old[0];
        assertEquals(so, sf, tol * Math.abs(so), "score");
        double ref = InfoNceLoss.reference(LossGraphs.toArray3(x), d, tau, norm);
        assertEquals(ref, sf, Math.max(tol, 1e-12) * Math.abs(ref), "score = InfoNceLoss.reference");
        INDArray ef = (INDArray) fast[1], eo = (INDArray) old[1];
        assertArrayEquals(eo.shape(), ef.shape());
        double scale = eo.amaxNumber().doubleValue(), worst = ef.sub(eo).amaxNumber().doubleValue() / scale;
        assertTrue(scale > 1e-3, "non-trivial epsilon");
        assertTrue(worst < tol, "epsilon max |new − old| / max |old| = " + worst);
        System.out.printf("InfoNceLossRuntime vs SameDiff, %s B=%d D=%d tau=%s norm=%s: score %.3e rel, epsilon %.3e rel%n",
                dt, b, d, tau, norm, Math.abs(sf - so) / Math.abs(so), worst);
    }

    @Test
    void equalsSameDiffRuntimeInDouble() {
        compare(0.5, true, 6, 5, DataType.DOUBLE, 1e-10);
        compare(2.0, false, 5, 4, DataType.DOUBLE, 1e-10);
    }

    @Test
    void equalsSameDiffRuntimeInFloat() {
        compare(0.2, true, 16, 12, DataType.FLOAT, 1e-5);
        compare(3.0, false, 9, 7, DataType.FLOAT, 1e-5);
    }

    @Test
    void epsilonIsBTimesFiniteDifferenceGradient() {
        for (boolean norm : new boolean[]{true, false}) {
            int b = 4, d = 3;
            IOutputLayer layer = (IOutputLayer) graph(d, 0.7, norm, DataType.DOUBLE).getLayer("loss");
            INDArray x = VicregLossRuntimeTest.batch(b, d, DataType.DOUBLE, 8);
            INDArray eps = ((INDArray) VicregLossRuntimeTest.run(layer, x)[1]).divi(b);
            assertTrue(VicregLossRuntimeTest.finiteDifferencesAgree(layer, x, eps, "norm=" + norm) > x.length() / 3);
        }
    }

    @Test
    void activationsAreTheInput() {
        ComputationGraph cg = graph(3, 0.5, true, DataType.DOUBLE);
        INDArray x = VicregLossRuntimeTest.batch(4, 3, DataType.DOUBLE, 2);
        assertEquals(x, cg.output(x)[0]);
    }
}
