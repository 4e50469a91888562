package jepa.accel.conv;

import jepa.accel.NativeThreads;
import jepa.nn.PytorchInit;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Conv2d} against DL4J's stock ConvolutionLayer on the same parameters and data (double
 * precision): activations, score, every gradient and the parameters after SGD steps agree to rounding, with and
 * without CacheMode (the backward pass reuses the forward's patches only with a cache), for stride 2 / padding 2 /
 * kernel 5 (MeNet5's conv1–2) and kernel 3 / stride 1 / padding 1 (conv3) on a non-square batch.
 */
class Conv2dTest {
    static final int N = 5, C = 3, H = 11;

    private static ComputationGraph graph(boolean fast, CacheMode cache) { return graph(fast, cache, DataType.DOUBLE); }

    private static ComputationGraph graph(boolean fast, CacheMode cache, DataType dt) {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).updater(new Sgd(0.1))
                .cacheMode(cache).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(H, H, C))
                .addLayer("c1", conv(fast, 5, 2, 2, C, 4), "x")
                .addLayer("bn", new BatchNormalization.Builder().build(), "c1")
                .addLayer("c2", conv(fast, 3, 1, 1, 4, 6), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build(), "c2")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 11);
        return cg;
    }

    private static Layer conv(boolean fast, int k, int s, int p, int in, int out) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nIn(in).nOut(out)
                .activation(Activation.RELU);
        return fast ? new Conv2d(b) : b.build();
    }

    private static MultiDataSet data() {
        Nd4j.getRandom().setSeed(5);
        return new MultiDataSet(Nd4j.randn(DataType.DOUBLE, N, C, H, H), Nd4j.randn(DataType.DOUBLE, N, 2));
    }

    @Test
    void usesTheFastLayer() {
        assertInstanceOf(Conv2dRuntime.class, graph(true, CacheMode.NONE).getLayer("c1"));
        assertFalse(graph(false, CacheMode.NONE).getLayer("c1") instanceof Conv2dRuntime);
    }

    @Test
    void sameActivationsGradientsAndStepsAsStockLayer() {
        for (CacheMode cache : new CacheMode[]{CacheMode.NONE, CacheMode.DEVICE}) {
            ComputationGraph stock = graph(false, CacheMode.NONE), fast = graph(true, cache);
            assertEquals(stock.params(), fast.params(), "same initial parameters");
            MultiDataSet m = data();
            INDArray x = m.getFeatures(0);
            for (boolean train : new boolean[]{false, true}) {
                for (String v : new String[]{"c1", "bn", "c2", "out"}) {
                    INDArray a = stock.feedForward(new INDArray[]{x}, train).get(v), b = fast.feedForward(new INDArray[]{x}, train).get(v);
                    assertTrue(a.equalsWithEps(b, 1e-12), v + " activations (train=" + train + ", " + cache + ")");
                }
            }
            for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
                cg.setInputs(m.getFeatures());
                cg.setLabels(m.getLabels());
                cg.computeGradientAndScore();
            }
            assertEquals(stock.score(), fast.score(), 1e-12);
            INDArray gs = stock.gradient().gradient(), gf = fast.gradient().gradient();
            assertTrue(gs.norm2Number().doubleValue() > 1e-3, "non-trivial gradient");
            assertEquals(0, gs.sub(gf).amaxNumber().doubleValue(), 1e-12 * gs.amaxNumber().doubleValue(), "gradients, " + cache);
            for (int i = 0; i < 3; i++) { stock.fit(m); fast.fit(m); }
            assertEquals(0, stock.params().sub(fast.params()).amaxNumber().doubleValue(), 1e-12, "params after 3 SGD steps, " + cache);
        }
    }

    /** The float im2col (Java) equals libnd4j's (the double path) exactly, incl. a strided input view. */
    @Test
    void javaPatchesEqualLibnd4jPatches() {
        Nd4j.getRandom().setSeed(8);
        int[][] geoms = {{5, 2, 2}, {3, 1, 1}, {3, 2, 0}};                              // kernel, stride, padding
        for (int[] g : geoms) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 4, C, H, H + 2).permute(0, 1, 3, 2)     // [4, C, H+2, H] view
                    .get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(1, H + 1), org.nd4j.linalg.indexing.NDArrayIndex.all());
            int k = g[0], s = g[1], p = g[2], o = (H + 2 * p - k) / s + 1;
            INDArray fast = Nd4j.create(DataType.FLOAT, 4, (long) o * o, (long) C * k * k);
            INDArray ref = Nd4j.create(DataType.DOUBLE, 4, (long) o * o, (long) C * k * k);
            Conv2dRuntime.patches(x, fast, k, k, s, s, p, p, o, o);
            Conv2dRuntime.patches(x.castTo(DataType.DOUBLE), ref, k, k, s, s, p, p, o, o);
            assertEquals(ref.castTo(DataType.FLOAT), fast, "k=" + k + " s=" + s + " p=" + p);
            assertTrue(fast.amaxNumber().doubleValue() > 1, "non-trivial");
        }
    }

    /** The float col2im (Java) equals libnd4j's float col2im bit for bit. */
    @Test
    void javaCol2imEqualsLibnd4j() {
        Nd4j.getRandom().setSeed(9);
        int[][] geoms = {{5, 2, 2}, {3, 1, 1}, {3, 2, 0}};
        for (int[] g : geoms) {
            int k = g[0], s = g[1], p = g[2], o = (H + 2 * p - k) / s + 1;
            INDArray cols = Nd4j.randn(DataType.FLOAT, 4L * o * o, (long) C * k * k);
            INDArray fast = Nd4j.create(DataType.FLOAT, 4, C, H, H), ref = Nd4j.create(DataType.FLOAT, 4, C, H, H);
            Conv2dRuntime.col2im(cols, fast, k, k, s, s, p, p, o, o);
            org.nd4j.linalg.convolution.Convolution.col2im(cols.reshape('c', 4, o, o, C, k, k).permute(0, 3, 4, 5, 1, 2), ref, s, s, p, p, H, H, 1, 1);
            assertEquals(ref, fast, "k=" + k + " s=" + s + " p=" + p);
            assertTrue(fast.amaxNumber().doubleValue() > 1, "non-trivial");
        }
    }

    /**
     * float32 (the Java im2col path and the fused bias + ReLU kernels), with and without the forward cache: same
     * activations, gradients and steps as the stock layer, to float rounding.
     */
    @Test
    void floatGraphMatchesStockLayer() {
        for (CacheMode cache : new CacheMode[]{CacheMode.NONE, CacheMode.DEVICE}) {
            ComputationGraph stock = graph(false, CacheMode.NONE, DataType.FLOAT), fast = graph(true, cache, DataType.FLOAT);
            MultiDataSet m = data();
            m.setFeatures(0, m.getFeatures(0).castTo(DataType.FLOAT));
            m.setLabels(0, m.getLabels(0).castTo(DataType.FLOAT));
            INDArray x = m.getFeatures(0);
            for (String v : new String[]{"c1", "bn", "c2"}) {
                INDArray a = stock.feedForward(new INDArray[]{x}, true).get(v), b = fast.feedForward(new INDArray[]{x}, true).get(v);
                assertTrue(a.equalsWithEps(b, 1e-5), v + " " + cache);
            }
            for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
                cg.setInputs(m.getFeatures());
                cg.setLabels(m.getLabels());
                cg.computeGradientAndScore();
            }
            INDArray gs = stock.gradient().gradient(), gf = fast.gradient().gradient();
            assertTrue(gs.sub(gf).norm2Number().doubleValue() < 1e-5 * gs.norm2Number().doubleValue(), cache.toString());
            for (int i = 0; i < 3; i++) { stock.fit(m); fast.fit(m); }
            assertTrue(stock.params().equalsWithEps(fast.params(), 1e-5), cache.toString());
        }
    }

    /** The branch-free ReLU gradient is z > 0 ? e : 0 on every kind of float z. */
    @Test
    void branchFreeReluGradientMatchesTheComparison() {
        float[] zs = {1f, 2.5e-3f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 0f, -0f, -1f,
                -Float.MIN_VALUE, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000)};
        for (float z : zs)
            for (float e : new float[]{3f, -7.25f, 0f, Float.NaN})
                assertEquals(Float.floatToRawIntBits(z > 0f ? e : 0f), Float.floatToRawIntBits(Conv2dKernels.reluGradient(z, e)), z + " " + e);
    }

    /** The fused ReLU-gradient pass: its bias gradient is the rows' sum of its output, the same on 1 and 3 threads. */
    @Test
    void reluGradientPassSumsTheBiasGradient() {
        int b = 19, c = 5, p = 7 * 7;                                   // 19 images: two full blocks of 8 and a partial one
        Nd4j.getRandom().setSeed(9);
        INDArray pre = Nd4j.randn(DataType.FLOAT, b, c, 7, 7), eps = Nd4j.randn(DataType.FLOAT, b, c, 7, 7);
        INDArray[] cm = new INDArray[2];
        double[][] sums = new double[2][c];
        int before = NativeThreads.get();
        try {
            for (int k = 0; k < 2; k++) {
                NativeThreads.set(k == 0 ? 1 : 3);
                cm[k] = Nd4j.create(DataType.FLOAT, c, (long) b * p);
                Conv2dKernels.backward(pre, eps, cm[k], sums[k]);
            }
        } finally {
            NativeThreads.set(before);
        }
        assertEquals(cm[0], cm[1]);
        assertArrayEquals(sums[0], sums[1], 0.0, "bit-identical on 1 and 3 threads");
        double[][] rows = cm[0].toDoubleMatrix();
        for (int ch = 0; ch < c; ch++) {
            double want = 0;
            for (double v : rows[ch]) want += v;
            assertEquals(want, sums[0][ch], 1e-12 * Math.max(1, Math.abs(want)), "channel " + ch);
        }
        INDArray mask = pre.gt(0).castTo(DataType.FLOAT);
        assertEquals(eps.mul(mask).permute(1, 0, 2, 3).dup('c').reshape(c, (long) b * p), cm[0]);
    }

    /** A first layer without an input gradient: the same parameter gradients and steps, zeros as its epsilon, kept by JSON. */
    @Test
    void firstLayerMaySkipItsInputGradient() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            ComputationGraph all = graph(true, CacheMode.DEVICE, dt), skip = withoutInputGradient(all);
            assertFalse(((Conv2d) skip.getLayer("c1").conf().getLayer()).isInputGradient());
            MultiDataSet m = data();
            INDArray x = m.getFeatures(0).castTo(dt), y = m.getLabels(0).castTo(dt);
            for (ComputationGraph cg : new ComputationGraph[]{all, skip}) {
                cg.setInputs(x);
                cg.setLabels(y);
                cg.computeGradientAndScore();
            }
            assertEquals(all.score(), skip.score(), 0.0, dt + " score");
            assertEquals(all.gradient().gradient(), skip.gradient().gradient(), dt + " parameter gradients");
            var noWs = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
            INDArray e = Nd4j.rand(dt, all.getLayer("c1").activate(x, true, noWs).shape());
            skip.getLayer("c1").activate(x, true, noWs);
            assertNotEquals(0.0, all.getLayer("c1").backpropGradient(e, noWs).getSecond().norm1Number().doubleValue());
            INDArray eps = skip.getLayer("c1").backpropGradient(e, noWs).getSecond();
            assertArrayEquals(x.shape(), eps.shape());
            assertEquals(0.0, eps.norm1Number().doubleValue(), dt + " input epsilon");
            for (int i = 0; i < 3; i++) {
                all.fit(new MultiDataSet(x, y));
                skip.fit(new MultiDataSet(x, y));
            }
            assertEquals(all.params(), skip.params(), dt + " parameters after 3 steps");
        }
    }

    private static ComputationGraph withoutInputGradient(ComputationGraph cg) {
        String json = cg.getConfiguration().toJson();
        assertTrue(json.contains("\"inputGradient\" : true"), "the flag is in the JSON");
        ComputationGraph back = new ComputationGraph(ComputationGraphConfiguration.fromJson(json.replaceFirst("\"inputGradient\" : true", "\"inputGradient\" : false")));
        back.init(cg.params().dup(), false);
        assertTrue(((Conv2d) back.getLayer("c2").conf().getLayer()).isInputGradient());
        return back;
    }

    @Test
    void jsonRoundTripKeepsTheFastLayer() {
        ComputationGraph cg = graph(true, CacheMode.DEVICE);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(cg.getConfiguration().toJson());
        ComputationGraph cg2 = new ComputationGraph(back);
        cg2.init(cg.params().dup(), false);
        assertInstanceOf(Conv2dRuntime.class, cg2.getLayer("c2"));
        INDArray x = data().getFeatures(0);
        assertEquals(cg.outputSingle(x), cg2.outputSingle(x));
    }
}
