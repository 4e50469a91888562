package jepa.method;

import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregParams;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The whole VICReg JEPA graph: exact SGD step, score = loss, training, BN inference mode, serialisation. */
class JepaNetworkTest {
    static final int T = 17;

    /**
     * DL4J's score and update conventions, measured: with plain SGD(lr), no regularisation, one fit step moves every
     * trainable parameter by exactly −lr·∂L/∂θ, with ∂L/∂θ from central finite differences of L, and cg.score() = L.
     */
    @Test
    void oneSgdStepIsExactlyLrTimesGradientAndScoreIsTheLoss() {
        int b = 4;
        double lr = 0.05;
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, 6, 1, 21), new VicregParams(2, 3, 1.5, true), new Sgd(lr), DataType.DOUBLE);
        ComputationGraph cg = net.graph();
        Nd4j.getRandom().setSeed(6);
        INDArray frames = Nd4j.randn(DataType.DOUBLE, b, 784, T);
        INDArray actions = Nd4j.randn(DataType.DOUBLE, b, 2, T - 1);
        MultiDataSet mds = Vicreg.dataSet(frames, actions);

        double loss = VicregLoss.terms(net.rolloutAndEncodings(frames, actions, true), 6, new VicregParams(2, 3, 1.5, true)).total();
        assertEquals(loss, cg.score(mds, true), 1e-12 * loss, "score = batch-mean loss");

        cg.setInputs(frames, actions);
        cg.setLabels(mds.getLabels());
        cg.computeGradientAndScore();
        assertEquals(loss, cg.score(), 1e-12 * loss);
        INDArray rawGrad = cg.gradient().gradient().dup();          // gradient of B·L (LossScale)
        INDArray before = cg.params().dup();
        INDArray trainable = trainableMask(cg);

        // ∂L/∂θ by central differences for a few parameters: conv1 W, bn1 gamma, dense W, GRU W_hh, GRU b_hh
        long[] probe = {0, offset(cg, "enc_seq_bn1", "gamma") + 3, offset(cg, "enc_seq_fc", "W") + 17,
                offset(cg, "rollout", "Wh0") + 40, offset(cg, "rollout", "bh0") + 10};
        INDArray params = cg.params();
        for (long i : probe) {
            double o = params.getDouble(i);
            params.putScalar(i, o + 1e-6);
            double up = cg.score(mds, true);
            params.putScalar(i, o - 1e-6);
            double dn = cg.score(mds, true);
            params.putScalar(i, o);
            double numeric = (up - dn) / 2e-6;
            assertEquals(numeric, rawGrad.getDouble(i) / b, 1e-6 * Math.max(1e-3, Math.abs(numeric)), "param " + i);
        }
        cg.setParams(before);   // the probing touched the BN running stats only through score(): restore anyway

        cg.fit(mds);
        INDArray delta = cg.params().sub(before);
        INDArray expected = rawGrad.div(b).muli(-lr);
        double worst = 0, moved = 0;
        for (long i = 0; i < delta.length(); i++) {
            if (trainable.getDouble(i) == 0) continue;
            worst = Math.max(worst, Math.abs(delta.getDouble(i) - expected.getDouble(i)));
            moved = Math.max(moved, Math.abs(delta.getDouble(i)));
        }
        assertTrue(moved > 1e-4, "parameters moved");
        assertTrue(worst < 1e-12, "max |Δθ + lr·∂L/∂θ| = " + worst);
        assertEquals(loss, cg.score(), 1e-12 * loss, "score after fit = loss at the step's parameters");
        // GRU parameters are in cg.params() and are updated
        assertTrue(cg.getVertex("rollout").params().sub(before.get(NDArrayIndex.interval(offset(cg, "rollout", "Wi0"),
                offset(cg, "rollout", "Wi0") + cg.getVertex("rollout").params().length()))).amaxNumber().doubleValue() > 0);
    }

    /** 1 for trainable parameters, 0 for BatchNorm running mean/var (updated by DL4J's running average, not SGD). */
    static INDArray trainableMask(ComputationGraph cg) {
        INDArray m = Nd4j.ones(DataType.DOUBLE, cg.params().length());
        for (var e : cg.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                for (String k : List.of("mean", "var")) {
                    long o = offset(cg, e.getKey(), k);
                    long n = cg.getLayer(e.getKey()).getParam(k).length();
                    m.get(NDArrayIndex.interval(o, o + n)).assign(0);
                }
            }
        }
        return m;
    }

    /** Offset of a parameter in cg.params(), found by identity of the view's first element. */
    static long offset(ComputationGraph cg, String vertex, String param) {
        INDArray p = cg.getVertex(vertex).paramTable(false).get(param);
        INDArray all = cg.params();
        double saved = p.getDouble(0);
        p.putScalar(0, 12345.678);
        long found = -1;
        for (long i = 0; i < all.length(); i++) if (all.getDouble(i) == 12345.678) { found = i; break; }
        p.putScalar(0, saved);
        assertTrue(found >= 0);
        return found;
    }

    @Test
    void lossDecreasesOnAFixedBatch() {
        int b = 8;
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, 16, 1, 3), VicregParams.defaults(), new Adam(1e-3));
        Nd4j.getRandom().setSeed(12);
        INDArray frames = Nd4j.randn(DataType.FLOAT, b, 784, T);
        INDArray actions = Nd4j.randn(DataType.FLOAT, b, 2, T - 1);
        MultiDataSet mds = Vicreg.dataSet(frames, actions);
        List<Double> scores = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 15; i++) {
            net.graph().fit(mds);
            scores.add(net.graph().score());
        }
        System.out.printf("VICReg B=8 w=1 D=16, 15 Adam steps: %.4f -> %.4f (%.0f ms/step)%n",
                scores.get(0), scores.get(14), (System.nanoTime() - t0) / 15e6);
        assertTrue(scores.get(14) < 0.8 * scores.get(0), "scores " + scores);
        VicregLoss.Terms terms = Vicreg.terms(net, frames, actions);
        assertTrue(terms.pred() >= 0 && terms.var() >= 0 && terms.cov() >= 0);
    }

    @Test
    void inferenceUsesRunningStatisticsSoItemsDoNotInteract() {
        int b = 4;
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, 8, 1, 4), VicregParams.defaults(), new Adam(1e-3));
        Nd4j.getRandom().setSeed(13);
        INDArray framesA = Nd4j.randn(DataType.FLOAT, b, 784, T);
        INDArray framesB = Nd4j.randn(DataType.FLOAT, b, 784, T).muli(3).addi(1);
        framesB.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).assign(
                framesA.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()));
        INDArray actions = Nd4j.randn(DataType.FLOAT, b, 2, T - 1);
        for (int i = 0; i < 3; i++) net.graph().fit(Vicreg.dataSet(framesA, actions));   // non-trivial running stats

        INDArray a = net.encodeFirstFrame(framesA), c = net.encodeFirstFrame(framesB);
        assertTrue(a.getRow(0).equalsWithEps(c.getRow(0), 1e-5), "item 0 independent of the rest of the batch");
        assertFalse(a.getRow(1).equalsWithEps(c.getRow(1), 1e-3));
        INDArray ra = net.rollout(framesA, actions), rc = net.rollout(framesB, actions);
        assertTrue(ra.get(NDArrayIndex.point(0)).equalsWithEps(rc.get(NDArrayIndex.point(0)), 1e-5));
        // in training mode (batch statistics) item 0 does depend on the others: the check above has teeth
        INDArray ta = net.rolloutAndEncodings(framesA, actions, true), tc = net.rolloutAndEncodings(framesB, actions, true);
        assertFalse(ta.get(NDArrayIndex.point(0)).equalsWithEps(tc.get(NDArrayIndex.point(0)), 1e-3));
    }

    /**
     * The inference calls free the activations feedForward detached for them (not the caller's inputs, not the
     * result), and repeated calls still give the rollout of a plain feedForward.
     */
    @Test
    void inferenceFreesTheOtherActivations() {
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, 8, 1, 4), VicregParams.defaults(), new Adam(1e-3));
        Nd4j.getRandom().setSeed(9);
        INDArray frames = Nd4j.randn(DataType.FLOAT, 3, JepaNetwork.PIXELS, JepaNetwork.FRAMES);
        INDArray actions = Nd4j.randn(DataType.FLOAT, 3, 2, JepaNetwork.FRAMES - 1);
        INDArray reference = net.graph().feedForward(new INDArray[]{frames, actions}, false).get(JepaNetwork.ROLLOUT);
        for (int i = 0; i < 3; i++) assertEquals(reference, net.rollout(frames, actions));
        java.util.Map<String, INDArray> acts = net.graph().feedForward(new INDArray[]{frames, actions}, false);
        INDArray kept = JepaNetwork.keep(acts, JepaNetwork.ROLLOUT, frames, actions);
        assertFalse(kept.wasClosed() || frames.wasClosed() || actions.wasClosed());
        assertEquals(reference, kept);
        for (var e : acts.entrySet())
            if (e.getValue() != kept && e.getValue() != frames && e.getValue() != actions && !e.getValue().isView())
                assertTrue(e.getValue().wasClosed(), e.getKey());
        assertTrue(acts.get("enc_seq_c1").wasClosed() && acts.get("enc_seq_bn2").wasClosed());
        assertEquals(net.encode(frames), net.encode(frames));
    }

    @Test
    void jsonRoundTripAndCloneGiveTheSameNetwork() {
        JepaParams p = new JepaParams(3, true, 1, 8, 2, 5);
        JepaNetwork net = Vicreg.build(p, new VicregParams(10, 5, 2, true), new Adam(1e-3));
        ComputationGraphConfiguration conf = net.graph().getConfiguration();
        for (ComputationGraphConfiguration c : List.of(ComputationGraphConfiguration.fromJson(conf.toJson()), conf.clone())) {
            ComputationGraph copy = new ComputationGraph(c);
            copy.init(net.graph().params().dup(), true);
            Nd4j.getRandom().setSeed(1);
            INDArray frames = Nd4j.randn(DataType.FLOAT, 4, 3 * 784, T);
            INDArray actions = Nd4j.randn(DataType.FLOAT, 4, 2, T - 1);
            MultiDataSet mds = Vicreg.dataSet(frames, actions);
            assertEquals(net.graph().score(mds, false), copy.score(mds, false), 1e-6);
        }
    }

    @Test
    void modelSerializerRoundTripKeepsParametersAndUpdater() throws Exception {
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, 8, 1, 6), VicregParams.defaults(), new Adam(1e-3));
        Nd4j.getRandom().setSeed(2);
        MultiDataSet mds = Vicreg.dataSet(Nd4j.randn(DataType.FLOAT, 4, 784, T), Nd4j.randn(DataType.FLOAT, 4, 2, T - 1));
        net.graph().fit(mds);
        var bytes = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(net.graph(), bytes, true);
        ComputationGraph back = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(
                new java.io.ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(net.graph().params(), back.params());
        net.graph().fit(mds);
        back.fit(mds);
        assertTrue(net.graph().params().equalsWithEps(back.params(), 1e-6), "same Adam state after restore");
    }

    @Test
    void badParamsAreErrorsNamingRealKeys() {
        assertThrows(IllegalArgumentException.class, () -> new JepaParams(2, false, 1, 8, 1, 0));
        var e = assertThrows(jepa.settings.ConfigError.class, () -> new JepaParams(1, false, 0, 8, 1, 0));
        assertTrue(e.getMessage().startsWith("method.width "), e.getMessage());
        e = assertThrows(jepa.settings.ConfigError.class, () -> new JepaParams(1, false, 1, 8, 0, 0));
        assertTrue(e.getMessage().startsWith("method.gru-layers "), e.getMessage());
    }
}
