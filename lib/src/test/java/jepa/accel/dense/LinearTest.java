package jepa.accel.dense;

import jepa.accel.NativeThreads;
import jepa.nn.ImagesToFrames;
import jepa.nn.MeNet5;
import jepa.nn.PytorchInit;

import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Vicreg;
import jepa.accel.loss.VicregParams;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Linear} against DL4J's stock DenseLayer on the same parameters and data: activations, input
 * epsilon, weight and bias gradients (float: 1e-5 relative, on several shapes incl. MeNet5's [1088, 576] → 512;
 * double: the stock path, exact), a hand computation, the Gradient's keys and views; a tiny graph (dense →
 * {@link ImagesToFrames} → RNN output) trained 3 SGD steps against the stock classes; bit-identical results on 1
 * and 3 threads; DL4J's path for other activations, no bias, dropout; JSON round trip, clone, MeNet5's use.
 */
class LinearTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    private static DenseLayer.Builder identity(int nIn, int nOut) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY);
    }

    /** A graph x [n, nIn] → fc; the stock and the fast one get the same parameters. */
    private static ComputationGraph graph(boolean fast, DataType dt, DenseLayer.Builder b) {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("x")
                .addLayer("fc", fast ? new Linear(b) : b.build(), "x")
                .setOutputs("fc").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 11);
        cg.initGradientsView();
        return cg;
    }

    private static double rel(INDArray ref, INDArray got) {
        assertArrayEquals(ref.shape(), got.shape());
        return ref.sub(got).norm2Number().doubleValue() / Math.max(1e-300, ref.norm2Number().doubleValue());
    }

    private static void close(INDArray ref, INDArray got, double tol, String what) {
        assertEquals(ref.dataType(), got.dataType(), what + " data type");
        double r = rel(ref, got);
        if (tol == 0) assertArrayEquals(ref.dup('c').data().asDouble(), got.dup('c').data().asDouble(), what + " (exact)");
        else assertTrue(r < tol, what + ": relative difference " + r);
    }

    /** Layer alone, stock vs fast: activations, epsilon, dW, db; returns {x, eps, z, epsIn, dW, db} of the fast layer. */
    private static INDArray[] layerMatchesStock(DataType dt, int n, int nIn, int nOut, double tol, UnaryOperator<DenseLayer.Builder> cfg,
                                                boolean expectFast) {
        return layerMatchesStock(dt, n, nIn, nOut, tol, cfg, expectFast, false);
    }

    private static INDArray[] layerMatchesStock(DataType dt, int n, int nIn, int nOut, double tol, UnaryOperator<DenseLayer.Builder> cfg,
                                                boolean expectFast, boolean fOrderInput) {
        Layer ls = graph(false, dt, cfg.apply(identity(nIn, nOut))).getLayer("fc");
        Layer lf = graph(true, dt, cfg.apply(identity(nIn, nOut))).getLayer("fc");
        assertInstanceOf(LinearRuntime.class, lf);
        assertEquals(org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class, ls.getClass());
        assertEquals(ls.params(), lf.params(), "same parameters");
        Nd4j.getRandom().setSeed(5 + n);
        INDArray x = fOrderInput ? Nd4j.randn(dt, nIn, n).transpose() : Nd4j.randn(dt, n, nIn), eps = Nd4j.randn(dt, n, nOut);
        String tag = dt + " [" + n + ", " + nIn + "]" + (fOrderInput ? " f-order" : "") + " → " + nOut;
        assertEquals(expectFast, ((LinearRuntime) lf).fastPath(x), "fast path " + tag);
        for (Layer l : new Layer[]{ls, lf}) l.setInput(x, NO_WS);
        close(ls.activate(false, NO_WS), lf.activate(false, NO_WS), tol, "inference activations " + tag);
        INDArray zs = ls.activate(true, NO_WS), zf = lf.activate(true, NO_WS);
        close(zs, zf, tol, "training activations " + tag);
        // dups: with layer norm and identity DL4J's backward overwrites the epsilon (LayerNormBp writes into it)
        Pair<Gradient, INDArray> gs = ls.backpropGradient(eps.dup(), NO_WS), gf = lf.backpropGradient(eps.dup(), NO_WS);
        close(gs.getSecond(), gf.getSecond(), tol, "input epsilon " + tag);
        assertEquals(new ArrayList<>(gs.getFirst().gradientForVariable().keySet()), new ArrayList<>(gf.getFirst().gradientForVariable().keySet()),
                "gradient keys and order " + tag);
        close(gs.getFirst().getGradientFor("W"), gf.getFirst().getGradientFor("W"), tol, "weight gradient " + tag);
        if (gs.getFirst().getGradientFor("b") != null)
            close(gs.getFirst().getGradientFor("b"), gf.getFirst().getGradientFor("b"), tol, "bias gradient " + tag);
        // written in place into the layer's flattened gradient view, as DL4J's ('f'-order W, then b)
        close(ls.getGradientsViewArray(), lf.getGradientsViewArray(), tol, "flattened gradient view " + tag);
        assertEquals('f', gf.getFirst().getGradientFor("W").ordering());
        return new INDArray[]{x, eps, zf, gf.getSecond(), gf.getFirst().getGradientFor("W"), gf.getFirst().getGradientFor("b"),
                lf.getParam("W"), lf.getParam("b")};
    }

    @Test
    void floatMatchesStock() {
        layerMatchesStock(DataType.FLOAT, 7, 5, 3, 1e-5, b -> b, true);
        layerMatchesStock(DataType.FLOAT, 34, 36, 16, 1e-5, b -> b, true);
        layerMatchesStock(DataType.FLOAT, 1, 9, 4, 1e-5, b -> b, true);
        layerMatchesStock(DataType.FLOAT, 1088, 576, 512, 1e-5, b -> b, true);     // MeNet5, w = 2
        layerMatchesStock(DataType.FLOAT, 34, 36, 16, 1e-5, b -> b, true, true);  // f-order input (DL4J's RnnToFeedForward)
    }

    /** double takes the stock path: exactly DL4J's numbers. */
    @Test
    void doubleIsStockExactly() {
        layerMatchesStock(DataType.DOUBLE, 7, 5, 3, 0, b -> b, false);
        layerMatchesStock(DataType.DOUBLE, 34, 36, 16, 0, b -> b, false);
    }

    /** Other configurations take DL4J's path (same numbers). */
    @Test
    void otherConfigurationsTakeStockPath() {
        layerMatchesStock(DataType.FLOAT, 7, 5, 3, 0, b -> b.activation(Activation.TANH), false);
        layerMatchesStock(DataType.FLOAT, 7, 5, 3, 0, b -> b.hasBias(false), false);
        layerMatchesStock(DataType.FLOAT, 7, 5, 3, 0, b -> b.hasLayerNorm(true), false);
        layerMatchesStock(DataType.FLOAT, 7, 5, 3, 0, b -> b.dropOut(1.0), false);   // keep-probability 1: deterministic
    }

    /** By hand (double sums): z = x·W + b; dW = xᵀ·ε, db = Σ rows of ε, ε_in = ε·Wᵀ. */
    @Test
    void matchesHandComputation() {
        INDArray[] r = layerMatchesStock(DataType.FLOAT, 6, 4, 3, 1e-5, b -> b, true);
        INDArray x = r[0], eps = r[1], z = r[2], epsIn = r[3], dW = r[4], db = r[5], w = r[6], bias = r[7];
        for (int i = 0; i < 6; i++)
            for (int o = 0; o < 3; o++) {
                double s = bias.getDouble(o);     // linear index: DL4J's bias is rank 1 [nOut]
                for (int k = 0; k < 4; k++) s += x.getDouble(i, k) * w.getDouble(k, o);
                assertEquals(s, z.getDouble(i, o), 1e-5);
            }
        for (int o = 0; o < 3; o++) {
            double s = 0;
            for (int i = 0; i < 6; i++) s += eps.getDouble(i, o);
            assertEquals(s, db.getDouble(o), 1e-5);
            for (int k = 0; k < 4; k++) {
                double g = 0;
                for (int i = 0; i < 6; i++) g += x.getDouble(i, k) * eps.getDouble(i, o);
                assertEquals(g, dW.getDouble(k, o), 1e-5);
            }
        }
        for (int i = 0; i < 6; i++)
            for (int k = 0; k < 4; k++) {
                double s = 0;
                for (int o = 0; o < 3; o++) s += eps.getDouble(i, o) * w.getDouble(k, o);
                assertEquals(s, epsIn.getDouble(i, k), 1e-5);
            }
    }

    /**
     * MeNet5's tail in a tiny graph: sequences [B, nIn, T] → (DL4J's RnnToFeedForward: rows t·B + b) dense →
     * frames [B, nOut, T] → RNN output layer (MSE), stock classes vs ours: score, gradient, params after 3 steps.
     */
    private static ComputationGraph tail(boolean fast, DataType dt, int nIn, int nOut, int t) {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).updater(new Adam(0.01)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(nIn, t))
                .addLayer("fc", fast ? new Linear(identity(nIn, nOut)) : identity(nIn, nOut).build(), "x")
                .addVertex("seq", new PreprocessorVertex(fast ? new ImagesToFrames() : new FeedForwardToRnnPreProcessor()), "fc")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(nOut).nOut(2).activation(Activation.TANH).build(), "seq")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 11);
        return cg;
    }

    @Test
    void graphTrainsAsStock() {
        int b = 5, nIn = 12, nOut = 8, t = 4;
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            ComputationGraph stock = tail(false, dt, nIn, nOut, t), fast = tail(true, dt, nIn, nOut, t);
            assertInstanceOf(LinearRuntime.class, fast.getLayer("fc"));
            assertEquals(stock.params(), fast.params());
            Nd4j.getRandom().setSeed(21);
            MultiDataSet m = new MultiDataSet(Nd4j.randn(dt, b, nIn, t), Nd4j.randn(dt, b, 2, t));
            double tol = dt == DataType.FLOAT ? 1e-5 : 0;
            for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
                cg.setInputs(m.getFeatures());
                cg.setLabels(m.getLabels());
                cg.computeGradientAndScore();
            }
            assertEquals(stock.score(), fast.score(), tol * stock.score(), "score " + dt);
            assertTrue(stock.gradient().gradient().norm2Number().doubleValue() > 1e-3);
            close(stock.gradient().gradient(), fast.gradient().gradient(), tol, "gradient " + dt);
            INDArray before = fast.params().dup();
            for (int i = 0; i < 3; i++) { stock.fit(m); fast.fit(m); }
            assertTrue(rel(before, fast.params()) > 1e-3, "training moved the parameters");
            close(stock.params(), fast.params(), tol, "params after 3 steps " + dt);
            close(stock.outputSingle(m.getFeatures(0)), fast.outputSingle(m.getFeatures(0)), tol, "inference " + dt);
        }
    }

    /** Each output value is written by one thread in a fixed order: 1 and 3 threads give the same bits. */
    @Test
    void oneAndThreeThreadsAreBitIdentical() {
        Layer l = graph(true, DataType.FLOAT, identity(40, 24)).getLayer("fc");
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.FLOAT, 51, 40), eps = Nd4j.randn(DataType.FLOAT, 51, 24);
        List<float[]> res = new ArrayList<>();
        int before = NativeThreads.get();
        try {
            for (int threads : new int[]{1, 3}) {
                NativeThreads.set(threads);
                l.setInput(x, NO_WS);
                INDArray z = l.activate(true, NO_WS).dup();
                Pair<Gradient, INDArray> g = l.backpropGradient(eps, NO_WS);
                res.add(z.data().asFloat());
                res.add(g.getSecond().dup().data().asFloat());
                res.add(g.getFirst().getGradientFor("W").dup().data().asFloat());
                res.add(g.getFirst().getGradientFor("b").dup().data().asFloat());
            }
        } finally {
            NativeThreads.set(before);
        }
        String[] what = {"activations", "input epsilon", "weight gradient", "bias gradient"};
        for (int j = 0; j < 4; j++) assertArrayEquals(res.get(j), res.get(j + 4), what[j]);
    }

    @Test
    void jsonRoundTripAndCloneKeepTheClass() {
        DenseLayer.Builder b = identity(6, 3).dropOut(0.8).l2(1e-3).biasInit(0.5).updater(new Adam(0.1));
        ComputationGraph stock = graph(false, DataType.FLOAT, b), fast = graph(true, DataType.FLOAT, b);
        String json = fast.getConfiguration().toJson();
        assertTrue(json.contains(Linear.class.getName()), "class name in the JSON");
        assertEquals(stock.getConfiguration().toJson(), json.replace(Linear.class.getName(), DenseLayer.class.getName()),
                "same fields as DL4J's DenseLayer");
        ComputationGraph back = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        back.init();
        assertInstanceOf(LinearRuntime.class, back.getLayer("fc"));
        assertEquals(json, back.getConfiguration().toJson());
        Linear lc = (Linear) back.getLayer("fc").conf().getLayer();
        assertEquals(6, lc.getNIn());
        assertEquals(3, lc.getNOut());
        Linear copy = lc.clone();
        assertNotSame(lc, copy);
        assertEquals(lc, copy);
        assertNotSame(lc.getIDropout(), copy.getIDropout());
        var cloned = back.getConfiguration().clone().getVertices().get("fc");
        assertInstanceOf(Linear.class, ((org.deeplearning4j.nn.conf.graph.LayerVertex) cloned).getLayerConf().getLayer());
    }

    /** MeNet5's last layer is this one on its fast path, followed by ImagesToFrames. */
    @Test
    void meNet5UsesIt() {
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 2, 16, 1, 1), VicregParams.defaults(), new Sgd(0.1));
        Layer fc = net.graph().getLayer(MeNet5.denseName(JepaNetwork.ENC_SEQ));
        assertInstanceOf(LinearRuntime.class, fc);
        assertTrue(((LinearRuntime) fc).fastPath(Nd4j.rand(DataType.FLOAT, 2 * 17, 576)));
        var pp = ((PreprocessorVertex) net.graph().getConfiguration().getVertices().get(JepaNetwork.ENC_SEQ)).getPreProcessor();
        assertInstanceOf(ImagesToFrames.class, pp);
        assertArrayEquals(new long[]{2, 16, 17}, net.encode(Nd4j.rand(DataType.FLOAT, 2, 784, 17)).shape());
    }
}
