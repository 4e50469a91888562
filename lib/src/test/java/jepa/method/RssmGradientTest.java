package jepa.method;

import jepa.nn.GaussianNoise;
import jepa.nn.MeNet5Decoder;
import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients of the RSSM's custom parts in double against central finite differences, on a short graph (T = 3 frames,
 * so the unrolled SameDiff vertex stays small): a dense per-frame encoder → GaussianNoise + RssmVertex → the real
 * MeNet5Decoder (w = 1) → RssmLoss (bilinear resize, MSE, KL, free nats). With sampling disabled (zero noise: every
 * sample is its mean) and samples left differentiable, DL4J's gradient equals finite differences for the vertex's
 * parameters (GRUCell, rnn input, prior and posterior heads through the KL and the decoded means) and the decoder's.
 * With the reference's detached samples and the free-nats floor active, the prior/posterior heads get exactly zero
 * gradient (their only paths are the samples and the floored KL) while the encoder, GRU and decoder learn.
 */
class RssmGradientTest {
    static final int B = 2, D = 3, T = 3, F = 5;
    static final Set<String> BN_STATS = Set.of("mean", "var", "log10stdev");

    static ComputationGraph graph(RssmParams r) {
        return graph(r, new RssmVertex(D, T, 2, r.minVar(), r.detach()));
    }

    static ComputationGraph graph(RssmParams r, RssmVertex vertex) {
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(1.0)).graphBuilder()
                .addInputs("x", "actions")
                .setInputTypes(InputType.recurrent(F, T), InputType.recurrent(2, T - 1))
                .addLayer("fc", new DenseLayer.Builder().nOut(D).activation(Activation.TANH).build(), "x")
                .addVertex("enc_seq", new PreprocessorVertex(new FeedForwardToRnnPreProcessor()), "fc")
                .addVertex(Rssm.NOISE, new GaussianNoise(D, 3 * T, 5, r.sample()), "actions")
                .addVertex(Rssm.RSSM, vertex, "enc_seq", "actions", Rssm.NOISE)
                .addVertex(Rssm.DEC_IN, new SubsetVertex(0, 2 * D - 1), Rssm.RSSM)
                .addVertex(Rssm.KL, new SubsetVertex(2 * D, 3 * D - 1), Rssm.RSSM)
                .addVertex("rollout", new SubsetVertex(3 * D, 4 * D - 1), Rssm.RSSM)
                ;
        MeNet5Decoder.add(gb, Rssm.DEC_IN, 2 * D, 1, 1, Rssm.DECODED);
        gb.addVertex(Rssm.LOSS_IN, new MergeVertex(), Rssm.DECODED, Rssm.KL, "rollout")
                .addLayer("loss", new RssmLoss(D, 1, T, r.freeNats()), Rssm.LOSS_IN)
                .setOutputs("loss");
        return init(gb.build());
    }

    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 17);
        return cg;
    }

    static MultiDataSet data(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, F, T);
        INDArray a = Nd4j.randn(DataType.DOUBLE, B, 2, T - 1);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, B, 784, T);
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x, a}, new INDArray[]{labels});
    }

    @Test
    void vertexDecoderAndLossMatchFiniteDifferencesWithSamplingDisabled() {
        ComputationGraph cg = graph(new RssmParams(1e-3, 0.1, 0.0, false, false));    // free nats 0: KL always active
        MultiDataSet mds = data(3);
        cg.setInputs(mds.getFeatures());
        cg.setLabels(mds.getLabels());
        cg.computeGradientAndScore();
        Map<String, INDArray> grads = cg.gradient().gradientForVariable();
        double worst = 0;
        int checked = 0, nonZero = 0;
        for (GraphVertex v : cg.getVertices()) {
            Map<String, INDArray> table = v.paramTable(false);
            if (table == null) continue;
            boolean rssm = v.getVertexName().equals(Rssm.RSSM);
            for (Map.Entry<String, INDArray> e : table.entrySet()) {
                if (BN_STATS.contains(e.getKey())) continue;
                INDArray p = e.getValue();
                INDArray g = grads.get(v.getVertexName() + "_" + e.getKey());
                long step = rssm ? Math.max(1, p.length() / 4) : p.length();    // the decoder: its first entries
                for (long i = 0; i < p.length(); i += step) {
                    double o = p.getDouble(i);
                    p.putScalar(i, o + 1e-6);
                    double up = cg.score(mds, true);
                    p.putScalar(i, o - 1e-6);
                    double dn = cg.score(mds, true);
                    p.putScalar(i, o);
                    double numeric = (up - dn) / 2e-6, an = g.getDouble(i) / B;
                    double abs = Math.abs(numeric - an), rel = abs / Math.max(Math.abs(numeric) + Math.abs(an), 1e-12);
                    assertTrue(abs < 1e-8 || rel < 1e-5, v.getVertexName() + "." + e.getKey() + "[" + i + "]: analytic " + an + " numeric " + numeric);
                    if (Math.abs(numeric) > 1e-7) { nonZero++; worst = Math.max(worst, rel); }
                    checked++;
                }
            }
        }
        System.out.printf("rssm gradient check: %d params, %d non-zero, max relative error %.2e%n", checked, nonZero, worst);
        assertTrue(checked > 50, "checked " + checked);
        assertTrue(nonZero > checked * 0.7, nonZero + "/" + checked);
    }

    /** M2.1's stock vertex gave NaN gradients from the second backward pass on; the VJP runtime (VjpSameDiffVertex) does not. */
    @Test
    void repeatedBackwardPassesAgree() {
        ComputationGraph cg = graph(new RssmParams(1e-3, 0.1, 0.0, false, true));
        MultiDataSet mds = data(3);
        INDArray first = null;
        for (int k = 0; k < 3; k++) {
            cg.setInputs(mds.getFeatures());
            cg.setLabels(mds.getLabels());
            cg.computeGradientAndScore();
            INDArray g = cg.gradient().gradient().dup();
            assertTrue(!g.isNaN().any() && !g.isInfinite().any(), "finite gradient in pass " + k);
            if (first == null) first = g;
            else assertEquals(0.0, g.sub(first).norm2Number().doubleValue(), 1e-12 * first.norm2Number().doubleValue(), "pass " + k);
        }
    }

    @Test
    void detachedSamplesAndFreeNatsLeaveTheHeadsWithoutGradient() {
        MultiDataSet mds = data(4);
        ComputationGraph cg = graph(new RssmParams(1e-3, 0.1, 3.0));                 // the reference: sampled, detached, 3 nats
        cg.setInputs(mds.getFeatures());
        cg.setLabels(mds.getLabels());
        cg.computeGradientAndScore();
        INDArray kl = cg.feedForward(mds.getFeatures(), true).get(Rssm.KL);
        assertTrue(kl.meanNumber().doubleValue() * T / (T - 1) < 3.0, "KL per dimension at init is below the floor");
        Map<String, INDArray> g = cg.gradient().gradientForVariable();
        for (String k : new String[]{"pmW", "pmb", "psW", "psb", "qm1W", "qm1b", "qm2W", "qs1W", "qs2W", "qs2b"})
            assertEquals(0.0, g.get(Rssm.RSSM + "_" + k).norm2Number().doubleValue(), 0.0, k + " must get no gradient");
        for (String k : new String[]{Rssm.RSSM + "_rW", Rssm.RSSM + "_gWh", Rssm.RSSM + "_gbi", "fc_W", "decoded_fc_W", "decoded_c3_W"})
            assertTrue(g.get(k).norm2Number().doubleValue() > 0, k + " must learn");

        // above the floor the heads learn: free nats 0, still detached
        ComputationGraph open = graph(new RssmParams(1e-3, 0.1, 0.0));
        open.setInputs(mds.getFeatures());
        open.setLabels(mds.getLabels());
        open.computeGradientAndScore();
        Map<String, INDArray> g0 = open.gradient().gradientForVariable();
        for (String k : new String[]{"psW", "qm2W", "qs2W"})
            assertTrue(g0.get(Rssm.RSSM + "_" + k).norm2Number().doubleValue() > 0, k + " learns above the floor");
    }

    /**
     * The stock runtime (ExactGradientVertex: SameDiffGraphVertex's ExternalErrors gradient, halved), which is right on
     * its first backward pass; the fast path must give the same loss, output and gradients on a fixed batch, with
     * sampling, detached samples and the free-nats floor as in training.
     */
    static final class StockRssmVertex extends RssmVertex {
        StockRssmVertex(int d, int frames, int actionDim, double minVar, boolean detach) { super(d, frames, actionDim, minVar, detach); }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                boolean initializeParams, DataType dataType) {
            return jepa.accel.ExactGradientVertex.of(this, graph, name, idx, paramsView, initializeParams, dataType);
        }

        @Override
        public StockRssmVertex clone() { return new StockRssmVertex(D, T, 2, minVar(), true); }
    }

    @Test
    void fastPathEqualsTheStockVertexOnAFixedBatch() {
        RssmParams r = new RssmParams(1e-3, 0.1, 0.05);                 // sampled, detached, floor low enough to be active
        MultiDataSet mds = data(5);
        ComputationGraph fast = graph(r), stock = graph(r, new StockRssmVertex(D, T, 2, r.minVar(), true));
        assertTrue(fast.getVertex(Rssm.RSSM) instanceof jepa.accel.VjpSameDiffVertex.Runtime);
        assertTrue(stock.getVertex(Rssm.RSSM) instanceof jepa.accel.ExactGradientVertex);
        assertEquals(0.0, fast.params().sub(stock.params()).amaxNumber().doubleValue(), 0.0, "same initial parameters");
        for (ComputationGraph cg : new ComputationGraph[]{fast, stock}) {
            cg.setInputs(mds.getFeatures());
            cg.setLabels(mds.getLabels());
            cg.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), 1e-12 * Math.abs(stock.score()), "loss");
        Map<String, INDArray> gs = stock.gradient().gradientForVariable(), gf = fast.gradient().gradientForVariable();
        int nonZero = 0;
        for (Map.Entry<String, INDArray> e : gs.entrySet()) {
            INDArray a = e.getValue(), b = gf.get(e.getKey());
            double scale = Math.max(a.amaxNumber().doubleValue(), 1e-300);
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-10 * scale, e.getKey());
            if (a.amaxNumber().doubleValue() > 0) nonZero++;
        }
        assertTrue(nonZero > 10, "non-zero gradients compared: " + nonZero);
    }
}
