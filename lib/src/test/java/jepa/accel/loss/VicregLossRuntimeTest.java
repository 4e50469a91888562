package jepa.accel.loss;

import jepa.method.LossGraphs;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;
import static org.nd4j.linalg.indexing.NDArrayIndex.*;

/**
 * {@link VicregLossRuntime} against DL4J's stock SameDiff runtime of {@link VicregLoss#defineLayer} on fixed batches
 * (score and epsilon B·∂L/∂x), in double and float, with and without skipFirstStepVc; and against central finite
 * differences of its own score.
 */
class VicregLossRuntimeTest {
    static final int T = RolloutLossLayer.FRAMES;

    /** The graph x → VicregLoss (JSON round trip included); its loss layer is the new runtime. */
    static ComputationGraph graph(int d, VicregParams v, DataType dt) {
        return LossGraphs.direct(new VicregLoss(d, T, v), d, T, dt);
    }

    /** DL4J's own runtime for the same layer configuration, wired as SameDiffOutputLayer (the conf) wires it. */
    static SameDiffOutputLayer stock(ComputationGraph cg, DataType dt) {
        Layer fast = cg.getLayer("loss");
        SameDiffOutputLayer s = new SameDiffOutputLayer(fast.conf(), dt);
        s.setIndex(fast.getIndex());
        s.setParamsViewArray(null);
        s.setParamTable(fast.conf().getLayer().initializer().init(fast.conf(), null, false));
        s.setConf(fast.conf());
        return s;
    }

    /** A batch whose encodings have per-dimension scales around 1, so that std < 1 for some dimensions only. */
    static INDArray batch(int b, int d, DataType dt, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, 2 * d, T);
        for (int j = 0; j < 2 * d; j++) x.get(all(), point(j),
                all()).muli(0.4 + 1.2 * (j % d) / (d - 1.0));
        return x.castTo(dt);
    }

    /** {score, epsilon} of one runtime: score before backprop, backprop, then the score DL4J asks for next. */
    static Object[] run(IOutputLayer layer, INDArray x) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, mgr);
        layer.setLabels(LossGraphs.dummy((int) x.size(0), x.dataType()));
        double before = layer.computeScore(0, true, mgr);
        INDArray eps = layer.backpropGradient(null, mgr).getSecond().dup();
        double after = layer.computeScore(0, true, mgr);
        assertEquals(before, after, 0.0, "score after backprop");
        return new Object[]{before, eps};
    }

    private static void compare(VicregParams v, int b, int d, DataType dt, double tol) {
        ComputationGraph cg = graph(d, v, dt);
        assertInstanceOf(VicregLossRuntime.class, cg.getLayer("loss"));
        INDArray x = batch(b, d, dt, 17 + b + d);
        Object[] fast = run((IOutputLayer) cg.getLayer("loss"), x), old = run(stock(cg, dt), x);
        double sf = (double) fast[0], so = (double) old[0];
        assertEquals(so, sf, tol * Math.abs(so), "score");
        VicregLoss.Terms terms = VicregLoss.terms(x, d, v), kept = ((VicregLossRuntime) cg.getLayer("loss")).lastTrainingTerms();
        double ref = terms.total();
        assertEquals(ref, sf, Math.max(tol, 1e-12) * ref, "score = VicregLoss.terms");
        // the terms the trainer's progress line reads: those of the backprop pass, without another forward pass
        assertEquals(sf, kept.total(), 0.0);
        assertEquals(terms.pred(), kept.pred(), Math.max(tol, 1e-12) * Math.abs(terms.pred()) + 1e-12, "pred");
        assertEquals(terms.var(), kept.var(), Math.max(tol, 1e-12) * Math.abs(terms.var()) + 1e-12, "var");
        assertEquals(terms.cov(), kept.cov(), Math.max(tol, 1e-12) * Math.abs(terms.cov()) + 1e-12, "cov");
        INDArray ef = (INDArray) fast[1], eo = (INDArray) old[1];
        assertArrayEquals(eo.shape(), ef.shape());
        assertEquals('c', ef.ordering());
        double scale = eo.amaxNumber().doubleValue(), worst = ef.sub(eo).amaxNumber().doubleValue() / scale;
        assertTrue(scale > 1e-3, "non-trivial epsilon");
        assertTrue(worst < tol, "epsilon max |new − old| / max |old| = " + worst);
        System.out.printf("VicregLossRuntime vs SameDiff, %s B=%d D=%d %s: score %.3e rel, epsilon %.3e rel%n",
                dt, b, d, v, Math.abs(sf - so) / so, worst);
    }

    @Test
    void equalsSameDiffRuntimeInDouble() {
        compare(new VicregParams(25, 25, 1, true), 6, 5, DataType.DOUBLE, 1e-10);
        compare(new VicregParams(3.5, 0.7, 2.0, false), 5, 4, DataType.DOUBLE, 1e-10);
    }

    @Test
    void equalsSameDiffRuntimeInFloat() {
        compare(new VicregParams(25, 25, 1, true), 16, 12, DataType.FLOAT, 1e-5);
        compare(new VicregParams(1.5, 4.0, 0.3, false), 9, 7, DataType.FLOAT, 1e-5);
    }

    /**
     * At the production size the float runtime's score is the double loss (sums in double), while the SameDiff
     * runtime's float reductions are off by ~6e-4 relative at B=64, D=512 (measured); epsilons agree to ~2e-7.
     */
    @Test
    void floatScoreIsTheDoubleLossAtProductionWidth() {
        int b = 64, d = 256;
        VicregParams v = VicregParams.defaults();
        INDArray x = batch(b, d, DataType.FLOAT, 2).muli(0.8f);
        double score = (double) run((IOutputLayer) graph(d, v, DataType.FLOAT).getLayer("loss"), x)[0];
        double ref = VicregLoss.terms(x, d, v).total();
        assertEquals(ref, score, 1e-7 * ref);
        INDArray ef = (INDArray) run((IOutputLayer) graph(d, v, DataType.FLOAT).getLayer("loss"), x)[1];
        INDArray ed = (INDArray) run((IOutputLayer) graph(d, v, DataType.DOUBLE).getLayer("loss"), x.castTo(DataType.DOUBLE))[1];
        double worst = ef.castTo(DataType.DOUBLE).sub(ed).amaxNumber().doubleValue() / ed.amaxNumber().doubleValue();
        assertTrue(worst < 1e-5, "float epsilon vs double: " + worst);
    }

    @Test
    void epsilonIsBTimesFiniteDifferenceGradient() {
        for (VicregParams v : new VicregParams[]{new VicregParams(2, 3, 1.5, true), new VicregParams(0.5, 4, 2.5, false)}) {
            int b = 5, d = 4;
            ComputationGraph cg = graph(d, v, DataType.DOUBLE);
            IOutputLayer layer = (IOutputLayer) cg.getLayer("loss");
            INDArray x = batch(b, d, DataType.DOUBLE, 3);
            INDArray eps = ((INDArray) run(layer, x)[1]).divi(b);
            assertTrue(finiteDifferencesAgree(layer, x, eps, v.toString()) > x.length() / 3);
        }
    }

    /** Central differences of the layer's score at every few elements of x equal eps (∂L/∂x); returns how many checked. */
    static int finiteDifferencesAgree(IOutputLayer layer, INDArray x, INDArray eps, String label) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        double h = 1e-6;
        int checked = 0;
        for (long i = 0; i < x.length(); i += 1 + (i % 3)) {
            double orig = x.getDouble(i);
            x.putScalar(i, orig + h);
            layer.setInput(x, mgr);
            double up = layer.computeScore(0, true, mgr);
            x.putScalar(i, orig - h);
            layer.setInput(x, mgr);
            double down = layer.computeScore(0, true, mgr);
            x.putScalar(i, orig);
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, eps.getDouble(i), 1e-7 + 1e-6 * Math.abs(numeric), "x[" + i + "] " + label);
            checked++;
        }
        return checked;
    }

    /** Frame 0 of the rollout never enters the loss; frame 0 of the encodings only without skipFirstStepVc. */
    @Test
    void frameZeroGradients() {
        int b = 6, d = 3;
        for (boolean skip : new boolean[]{true, false}) {
            ComputationGraph cg = graph(d, new VicregParams(1, 1, 1, skip), DataType.DOUBLE);
            INDArray eps = (INDArray) run((IOutputLayer) cg.getLayer("loss"), batch(b, d, DataType.DOUBLE, 9))[1];
            assertEquals(0.0, eps.get(all(), interval(0, d), point(0)).amaxNumber().doubleValue());
            double enc0 = eps.get(all(), interval(d, 2 * d), point(0)).amaxNumber().doubleValue();
            assertEquals(skip, enc0 == 0.0, "encoding frame 0 gradient " + enc0);
        }
    }

    /** Unlike the SameDiff runtime, any batch size after any other. */
    @Test
    void batchSizeMayChangeBetweenCalls() {
        int d = 4;
        VicregParams v = new VicregParams(2, 3, 1, true);
        ComputationGraph cg = graph(d, v, DataType.DOUBLE);
        for (int b : new int[]{7, 3, 5}) {
            INDArray x = batch(b, d, DataType.DOUBLE, b);
            double s = (double) run((IOutputLayer) cg.getLayer("loss"), x)[0];
            assertEquals(VicregLoss.terms(x, d, v).total(), s, 1e-12 * s);
        }
    }

    @Test
    void perExampleScoreIsRefused() {
        ComputationGraph cg = graph(3, VicregParams.defaults(), DataType.DOUBLE);
        IOutputLayer l = (IOutputLayer) cg.getLayer("loss");
        l.setInput(batch(4, 3, DataType.DOUBLE, 1), LayerWorkspaceMgr.noWorkspaces());
        assertThrows(UnsupportedOperationException.class, () -> l.computeScoreForExamples(0, LayerWorkspaceMgr.noWorkspaces()));
    }
}
