package jepa.accel.dense;

import jepa.accel.NativeThreads;
import jepa.accel.ParallelLoops;
import jepa.nn.PytorchInit;

import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Vicreg;
import jepa.accel.loss.VicregParams;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link AvgPool2d} against DL4J's stock SubsamplingLayer (same configuration): activations and input
 * epsilon of the layer alone on odd and even sizes (the floor drops the last row/column), strided inputs,
 * overlapping and non-square windows; a hand computation; a conv → pool → output graph's score and gradient;
 * bit-identical results on 1 and 3 threads; configured dropout ignored as by the stock layer; JSON round trip and
 * MeNet5's use of it. Float to 1e-6, double to 1e-12 (relative).
 */
class AvgPool2dTest {

    private static SubsamplingLayer.Builder menet5Pool() {
        return new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2);
    }

    /** A graph x → pool (fast or stock) for inputs [·, c, h, w]. */
    private static ComputationGraph poolGraph(boolean fast, DataType dt, int c, int h, int w, UnaryOperator<SubsamplingLayer.Builder> cfg) {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(h, w, c))
                .addLayer("pool", fast ? new AvgPool2d(cfg.apply(menet5Pool())) : cfg.apply(menet5Pool()).build(), "x")
                .setOutputs("pool").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    private static void close(INDArray ref, INDArray got, double tol, String what) {
        assertArrayEquals(ref.shape(), got.shape(), what + " shape");
        assertEquals(ref.dataType(), got.dataType(), what + " data type");
        double r = ref.sub(got).norm2Number().doubleValue() / Math.max(1e-300, ref.norm2Number().doubleValue());
        assertTrue(r < tol, what + ": relative difference " + r);
    }

    private static INDArray randn(DataType dt, long seed, boolean strided, long... s) {
        Nd4j.getRandom().setSeed(seed);
        if (!strided) return Nd4j.randn(dt, s);
        return Nd4j.randn(dt, s[0], s[1], s[3], s[2]).permute(0, 1, 3, 2);   // same shape, not c-order
    }

    /** Layer alone: forward (train and test mode) and backward, stock vs fast; returns the fast results. */
    private static INDArray[] layerMatchesStock(DataType dt, long[] s, boolean strided, double tol,
                                                UnaryOperator<SubsamplingLayer.Builder> cfg) {
        int c = (int) s[1], h = (int) s[2], w = (int) s[3];
        Layer ls = poolGraph(false, dt, c, h, w, cfg).getLayer("pool"), lf = poolGraph(true, dt, c, h, w, cfg).getLayer("pool");
        assertInstanceOf(AvgPool2dRuntime.class, lf);
        assertFalse(ls instanceof AvgPool2dRuntime);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = randn(dt, 5, strided, s);
        String tag = dt + " " + Arrays.toString(s) + (strided ? " strided" : "");
        assertTrue(((AvgPool2dRuntime) lf).fastPath(x), "fast path taken " + tag);
        for (Layer l : new Layer[]{ls, lf}) l.setInput(x, mgr);
        close(ls.activate(false, mgr), lf.activate(false, mgr), tol, "inference activations " + tag);
        INDArray as = ls.activate(true, mgr), af = lf.activate(true, mgr);
        close(as, af, tol, "training activations " + tag);
        INDArray eps = randn(dt, 7, strided, af.shape());
        Pair<Gradient, INDArray> gs = ls.backpropGradient(eps, mgr), gf = lf.backpropGradient(eps, mgr);
        close(gs.getSecond(), gf.getSecond(), tol, "input epsilon " + tag);
        assertTrue(gf.getFirst().gradientForVariable().isEmpty(), "no parameter gradients");
        return new INDArray[]{x, af, eps, gf.getSecond()};
    }

    @Test
    void layerMatchesStockInFloat() {
        layerMatchesStock(DataType.FLOAT, new long[]{5, 3, 7, 7}, false, 1e-6, b -> b);
        layerMatchesStock(DataType.FLOAT, new long[]{4, 2, 6, 5}, false, 1e-6, b -> b);
        layerMatchesStock(DataType.FLOAT, new long[]{5, 3, 7, 7}, true, 1e-6, b -> b);
    }

    @Test
    void layerMatchesStockInDouble() {
        layerMatchesStock(DataType.DOUBLE, new long[]{5, 3, 7, 7}, false, 1e-12, b -> b);
        layerMatchesStock(DataType.DOUBLE, new long[]{4, 2, 6, 5}, true, 1e-12, b -> b);
    }

    /** Overlapping windows (3×3 / 2: pixels in up to four windows) and a non-square kernel and stride. */
    @Test
    void otherWindowsMatchStock() {
        layerMatchesStock(DataType.DOUBLE, new long[]{3, 2, 7, 8}, false, 1e-12, b -> b.kernelSize(3, 3).stride(2, 2));
        layerMatchesStock(DataType.FLOAT, new long[]{3, 2, 7, 8}, false, 1e-6, b -> b.kernelSize(2, 3).stride(1, 2));
    }

    /** By hand on [4, 2, 6, 5] (2×2 / 2 → 3×2): window means; eps/4 on covered pixels, 0 in the dropped last column. */
    @Test
    void matchesHandComputation() {
        INDArray[] r = layerMatchesStock(DataType.DOUBLE, new long[]{4, 2, 6, 5}, false, 1e-12, b -> b);
        INDArray x = r[0], y = r[1], eps = r[2], dx = r[3];
        assertArrayEquals(new long[]{4, 2, 3, 2}, y.shape());
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 2; c++)
                for (int oy = 0; oy < 3; oy++)
                    for (int ox = 0; ox < 2; ox++) {
                        double sum = 0;
                        for (int ky = 0; ky < 2; ky++) for (int kx = 0; kx < 2; kx++) sum += x.getDouble(i, c, 2 * oy + ky, 2 * ox + kx);
                        assertEquals(sum / 4, y.getDouble(i, c, oy, ox), 1e-14);
                        for (int ky = 0; ky < 2; ky++)
                            for (int kx = 0; kx < 2; kx++)
                                assertEquals(eps.getDouble(i, c, oy, ox) / 4, dx.getDouble(i, c, 2 * oy + ky, 2 * ox + kx), 0.0);
                    }
        for (int i = 0; i < 4; i++) for (int c = 0; c < 2; c++) for (int yy = 0; yy < 6; yy++) assertEquals(0.0, dx.getDouble(i, c, yy, 4), 0.0);
        INDArray[] odd = layerMatchesStock(DataType.FLOAT, new long[]{5, 3, 7, 7}, false, 1e-6, b -> b);
        assertEquals(0.0, odd[3].get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(6), org.nd4j.linalg.indexing.NDArrayIndex.all()).amaxNumber().doubleValue(), 0.0,
                "last row of 7 uncovered");
    }

    /** x → conv(tanh) → pool → dense output (MSE): score and full gradient, stock vs fast, with DL4J's workspaces. */
    @Test
    void graphGradientMatchesStock() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            double tol = dt == DataType.DOUBLE ? 1e-12 : 1e-6;
            ComputationGraph[] g = new ComputationGraph[2];
            for (int f = 0; f < 2; f++) {
                var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).updater(new Sgd(0.1)).graphBuilder()
                        .addInputs("x").setInputTypes(InputType.convolutional(7, 7, 2))
                        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(3).activation(Activation.TANH).build(), "x")
                        .addLayer("pool", f == 1 ? new AvgPool2d(menet5Pool()) : menet5Pool().build(), "conv")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build(), "pool")
                        .setOutputs("out").build();
                g[f] = new ComputationGraph(conf);
                g[f].init();
                PytorchInit.apply(g[f], 11);
            }
            assertInstanceOf(AvgPool2dRuntime.class, g[1].getLayer("pool"));
            assertEquals(g[0].params(), g[1].params());
            MultiDataSet m = new MultiDataSet(randn(dt, 21, false, 6, 2, 7, 7), randn(dt, 22, false, 6, 2));
            for (ComputationGraph cg : g) {
                cg.setInputs(m.getFeatures());
                cg.setLabels(m.getLabels());
                cg.computeGradientAndScore();
            }
            assertEquals(g[0].score(), g[1].score(), tol * g[0].score(), "score " + dt);
            assertTrue(g[0].gradient().gradient().norm2Number().doubleValue() > 1e-3);
            close(g[0].gradient().gradient(), g[1].gradient().gradient(), tol, "gradient " + dt);
            for (int i = 0; i < 2; i++) { g[0].fit(m); g[1].fit(m); }
            close(g[0].params(), g[1].params(), tol, "params after 2 SGD steps " + dt);
        }
    }

    /** The stock layer applies no dropout on subsampling layers; neither does this one (outputs equal in training mode). */
    @Test
    void configuredDropoutIsIgnoredAsByStock() {
        INDArray[] r = layerMatchesStock(DataType.DOUBLE, new long[]{5, 3, 7, 7}, false, 1e-12, b -> b.dropOut(0.5));
        Layer plain = poolGraph(true, DataType.DOUBLE, 3, 7, 7, b -> b).getLayer("pool");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        plain.setInput(r[0], mgr);
        assertEquals(plain.activate(true, mgr), r[1]);
    }

    /** Each image is written by one thread: 1 and 3 threads give the same bits. */
    @Test
    void oneAndThreeThreadsAreBitIdentical() {
        Layer l = poolGraph(true, DataType.FLOAT, 3, 7, 7, b -> b).getLayer("pool");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = randn(DataType.FLOAT, 1, false, 11, 3, 7, 7), eps = randn(DataType.FLOAT, 2, false, 11, 3, 3, 3);
        INDArray[][] res = new INDArray[2][];
        int before = NativeThreads.get();
        try {
            for (int k = 0; k < 2; k++) {
                NativeThreads.set(k == 0 ? 1 : 3);
                assertEquals(k == 0 ? 1 : 3, ParallelLoops.threads());
                l.setInput(x, mgr);
                INDArray y = l.activate(true, mgr);
                res[k] = new INDArray[]{y, l.backpropGradient(eps, mgr).getSecond()};
            }
        } finally {
            NativeThreads.set(before);
        }
        for (int j = 0; j < 2; j++)
            assertArrayEquals(res[0][j].data().asFloat(), res[1][j].data().asFloat(), j == 0 ? "activations" : "epsilon");
    }

    @Test
    void jsonRoundTripAndCloneKeepTheClass() {
        ComputationGraph cg = poolGraph(true, DataType.FLOAT, 3, 7, 7, b -> b);
        String json = cg.getConfiguration().toJson();
        assertTrue(json.contains(AvgPool2d.class.getName()), "class name in the JSON");
        ComputationGraph back = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        back.init();
        assertInstanceOf(AvgPool2dRuntime.class, back.getLayer("pool"));
        var lc = (AvgPool2d) back.getLayer("pool").conf().getLayer();
        assertArrayEquals(new int[]{2, 2}, lc.getKernelSize());
        assertArrayEquals(new int[]{2, 2}, lc.getStride());
        assertEquals(PoolingType.AVG, lc.getPoolingType());
        assertEquals(json, back.getConfiguration().toJson());
        AvgPool2d copy = lc.clone();
        assertNotSame(lc, copy);
        assertArrayEquals(lc.getKernelSize(), copy.getKernelSize());
        assertNotSame(lc.getKernelSize(), copy.getKernelSize());
    }

    /** MeNet5's pool is this layer on its Java path; [T·B, 64, 7, 7] → [T·B, 64, 3, 3]. */
    @Test
    void meNet5UsesIt() {
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 2, 16, 1, 1), VicregParams.defaults(), new Sgd(0.1));
        Layer pool = net.graph().getLayer("enc_seq_pool");
        assertInstanceOf(AvgPool2dRuntime.class, pool);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2 * 17, 64, 7, 7);
        assertTrue(((AvgPool2dRuntime) pool).fastPath(x));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        pool.setInput(x, mgr);
        assertArrayEquals(new long[]{34, 64, 3, 3}, pool.activate(false, mgr).shape());
        assertArrayEquals(new long[]{2, 16, 17}, net.encode(Nd4j.rand(DataType.FLOAT, 2, 784, 17)).shape());
    }
}
