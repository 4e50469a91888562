package jepa.accel.batchnorm;

import jepa.accel.NativeLibrary;
import jepa.accel.ParallelLoops;
import jepa.nn.PytorchInit;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link BatchNorm} against DL4J's stock BatchNormalization on the same parameters and data: activations (train
 * and inference mode), input epsilon, gamma/beta gradients and running-statistics "gradients" of the layer alone;
 * score, gradient and parameters (running mean/var included) after SGD steps of a graph input → bn → conv → output;
 * DL4J's running-statistics rule by hand; central differences; bit-identical results on 1 and 2 threads and on the
 * native and Java float passes; the JSON round trip. Double to 1e-10, float to 1e-5 (relative).
 */
class BatchNormTest {
    static final int C = 4, H = 5, W = 6;
    static final double EPS = 1e-5, DECAY = 0.9;

    private static ComputationGraph graph(boolean fast, DataType dt) { return graph(fast, dt, false); }

    /** x → bn → conv(tanh) → MSE output; with pre, a conv(tanh) before the bn (its gradient goes through the bn). */
    private static ComputationGraph graph(boolean fast, DataType dt, boolean pre) {
        BatchNormalization.Builder bn = new BatchNormalization.Builder().eps(EPS).decay(DECAY).useLogStd(false);
        var gb = new NeuralNetConfiguration.Builder().seed(3).dataType(dt).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(H, W, C));
        if (pre) gb.addLayer("pre", new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(C).activation(Activation.TANH).build(), "x");
        var conf = gb.addLayer("bn", fast ? new BatchNorm(bn) : bn.build(), pre ? "pre" : "x")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(3).activation(Activation.TANH).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 11);
        // non-trivial gamma, beta and running statistics (defaults 1, 0, 0, 1 would hide mix-ups)
        Nd4j.getRandom().setSeed(12);
        Layer l = cg.getLayer("bn");
        l.setParam("gamma", Nd4j.rand(dt, 1, C).addi(0.5));
        l.setParam("beta", Nd4j.randn(dt, 1, C));
        l.setParam("mean", Nd4j.randn(dt, 1, C));
        l.setParam("var", Nd4j.rand(dt, 1, C).addi(0.5));
        cg.initGradientsView();
        return cg;
    }

    /** Input with channel offsets and scales (μ ≠ 0, σ ≠ 1), as a permuted (non-contiguous) view when asked. */
    private static INDArray input(DataType dt, int n, boolean strided) {
        Nd4j.getRandom().setSeed(5 + n);
        INDArray x = strided ? Nd4j.randn(dt, n, C, W, H).permute(0, 1, 3, 2) : Nd4j.randn(dt, n, C, H, W);
        INDArray shift = Nd4j.createFromArray(3.0, -1.0, 0.5, 10.0).castTo(dt).reshape(1, C, 1, 1);
        INDArray scale = Nd4j.createFromArray(2.0, 0.5, 1.0, 3.0).castTo(dt).reshape(1, C, 1, 1);
        return strided ? x.muli(scale).addi(shift) : x.mul(scale).add(shift);
    }

    private static double rel(INDArray ref, INDArray got) {
        return ref.sub(got).norm2Number().doubleValue() / Math.max(1e-300, ref.norm2Number().doubleValue());
    }

    private static void close(INDArray ref, INDArray got, double tol, String what) {
        assertArrayEquals(ref.shape(), got.shape(), what + " shape");
        double r = rel(ref, got);
        assertTrue(r < tol, what + ": relative difference " + r);
    }

    /** The layer alone: forward (train, test) and backward, stock vs fast, for a data type, batch size and layout. */
    private static void layerMatchesStock(DataType dt, int n, boolean strided, double tol) {
        ComputationGraph stock = graph(false, dt), fast = graph(true, dt);
        Layer ls = stock.getLayer("bn"), lf = fast.getLayer("bn");
        assertInstanceOf(BatchNormRuntime.class, lf);
        assertFalse(ls instanceof BatchNormRuntime);
        assertEquals(stock.params(), fast.params(), "same parameters");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = input(dt, n, strided);
        String tag = dt + " n=" + n + (strided ? " strided" : "");

        for (Layer l : new Layer[]{ls, lf}) l.setInput(x, mgr);
        close(ls.activate(false, mgr), lf.activate(false, mgr), tol, "inference activations " + tag);
        INDArray as = ls.activate(true, mgr), af = lf.activate(true, mgr);
        close(as, af, tol, "training activations " + tag);
        assertTrue(af.std(0, 2, 3).sub(1).amaxNumber().doubleValue() > 0.1, "gamma applied");

        Nd4j.getRandom().setSeed(7);
        INDArray eps = strided ? Nd4j.randn(dt, n, C, W, H).permute(0, 1, 3, 2) : Nd4j.randn(dt, n, C, H, W);
        Pair<Gradient, INDArray> gs = ls.backpropGradient(eps, mgr), gf = lf.backpropGradient(eps, mgr);
        close(gs.getSecond(), gf.getSecond(), tol, "input epsilon " + tag);
        for (String p : new String[]{"gamma", "beta", "mean", "var"}) {
            INDArray a = gs.getFirst().getGradientFor(p), b = gf.getFirst().getGradientFor(p);
            assertTrue(a.norm2Number().doubleValue() > 1e-3, p + " gradient non-trivial");
            close(a, b, tol, p + " gradient " + tag);
        }
        assertEquals(gs.getFirst().gradientForVariable().keySet().stream().toList(),
                gf.getFirst().gradientForVariable().keySet().stream().toList(), "gradient order");
        close(stock.getGradientsViewArray(), fast.getGradientsViewArray(), tol, "flattened gradient " + tag);
    }

    @Test
    void layerMatchesStockInDouble() {
        layerMatchesStock(DataType.DOUBLE, 5, false, 1e-10);
        layerMatchesStock(DataType.DOUBLE, 37, true, 1e-10);           // several blocks of images, one partial
    }

    @Test
    void layerMatchesStockInFloat() {
        layerMatchesStock(DataType.FLOAT, 5, true, 1e-5);
        layerMatchesStock(DataType.FLOAT, 37, false, 1e-5);
    }

    /**
     * Results do not depend on the thread count (fixed blocks of images, combined in order), bit for bit: this JVM
     * runs one thread (OMP_NUM_THREADS=1 from the pom, which ND4J will not raise), a child JVM runs two.
     */
    @Test
    void threadCountDoesNotChangeResults() throws Exception {
        String here = fingerprint();
        ProcessBuilder pb = new ProcessBuilder();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BatchNormTest.class.getName()));
        pb.command(cmd).redirectErrorStream(true).environment().put("OMP_NUM_THREADS", "2");
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        String line = out.lines().filter(l -> l.startsWith("fingerprint ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(line.startsWith("fingerprint threads 2 "), line);
        assertEquals(here, line.substring("fingerprint threads 2 ".length()), "1 thread vs 2 threads");
    }

    /** The native passes (where the library loads) give the Java float passes' bits: outputs, epsilon, gradients. */
    @Test
    void nativePassesGiveTheJavaPassesBits() {
        if (!NativeLibrary.available()) return;
        float[][] nat = passes(), java;
        jepa.accel.Backend.use("java");
        try {
            java = passes();
        } finally {
            jepa.accel.Backend.use("auto");
        }
        String[] what = {"training output", "inference output", "input epsilon", "gamma", "beta", "mean", "var"};
        for (int i = 0; i < what.length; i++) assertArrayEquals(java[i], nat[i], what[i]);
    }

    /** The float layer on 37 images (3 blocks, the last partial), a strided input: outputs, epsilon, gradients. */
    private static float[][] passes() {
        Layer l = graph(true, DataType.FLOAT).getLayer("bn");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(input(DataType.FLOAT, 37, true), mgr);
        INDArray test = l.activate(false, mgr).dup(), train = l.activate(true, mgr).dup();
        Nd4j.getRandom().setSeed(8);
        Pair<Gradient, INDArray> g = l.backpropGradient(Nd4j.randn(DataType.FLOAT, 37, C, H, W), mgr);
        List<float[]> out = new ArrayList<>(List.of(train.data().asFloat(), test.data().asFloat(), g.getSecond().dup('c').data().asFloat()));
        for (String p : new String[]{"gamma", "beta", "mean", "var"}) out.add(g.getFirst().getGradientFor(p).dup().data().asFloat());
        return out.toArray(new float[0][]);
    }

    /** Child JVM entry point of {@link #threadCountDoesNotChangeResults}. */
    public static void main(String[] args) {
        System.out.println("fingerprint threads " + ParallelLoops.threads() + " " + fingerprint());
    }

    /** Hashes of the float bits of the fast layer's outputs on 50 images (4 blocks, the last partial). */
    private static String fingerprint() {
        Layer l = graph(true, DataType.FLOAT).getLayer("bn");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(input(DataType.FLOAT, 50, false), mgr);
        INDArray y = l.activate(true, mgr);
        Nd4j.getRandom().setSeed(7);
        Pair<Gradient, INDArray> g = l.backpropGradient(Nd4j.randn(DataType.FLOAT, 50, C, H, W), mgr);
        StringBuilder sb = new StringBuilder();
        for (INDArray a : new INDArray[]{y, g.getSecond(), g.getFirst().getGradientFor("gamma"), g.getFirst().getGradientFor("var")})
            sb.append(Arrays.hashCode(a.dup('c').data().asFloat())).append(' ');
        return sb.toString().trim();
    }

    /** A backward pass on an input without a training forward on it uses that input's batch statistics. */
    @Test
    void backwardOnANewInputUsesItsBatchStatistics() {
        ComputationGraph stock = graph(false, DataType.DOUBLE), fast = graph(true, DataType.DOUBLE);
        Layer ls = stock.getLayer("bn"), lf = fast.getLayer("bn");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x1 = input(DataType.DOUBLE, 6, false), x2 = input(DataType.DOUBLE, 9, false);
        lf.setInput(x1, mgr);
        lf.activate(true, mgr);                        // statistics of x1 ...
        lf.setInput(x2, mgr);                          // ... then x2 without a forward pass
        ls.setInput(x2, mgr);
        ls.activate(true, mgr);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 9, C, H, W);
        close(ls.backpropGradient(eps.dup(), mgr).getSecond(), lf.backpropGradient(eps.dup(), mgr).getSecond(), 1e-10, "epsilon");
    }

    /** Central differences (double) of the training-mode score through the fast layer: its γ, β and a weight below it. */
    @Test
    void gradientMatchesCentralDifferences() {
        ComputationGraph cg = graph(true, DataType.DOUBLE, true);
        MultiDataSet m = data(DataType.DOUBLE);
        cg.setInputs(m.getFeatures());
        cg.setLabels(m.getLabels());
        cg.computeGradientAndScore();
        INDArray grad = cg.gradient().gradient().dup(), params = cg.params();
        long w = offset(cg, "pre", "W");
        long[] probe = {w + 5, w + 40, offset(cg, "bn", "gamma") + 1, offset(cg, "bn", "beta") + 2};
        for (long i : probe) {
            double o = params.getDouble(i);
            params.putScalar(i, o + 1e-6);
            double up = cg.score(m, true);
            params.putScalar(i, o - 1e-6);
            double dn = cg.score(m, true);
            params.putScalar(i, o);
            double numeric = (up - dn) / 2e-6, analytic = grad.getDouble(i) / m.getFeatures(0).size(0);   // DL4J: Σ over examples
            assertTrue(Math.abs(numeric) > 1e-4, "probe " + i + " non-trivial");
            assertEquals(numeric, analytic, 1e-6 * Math.abs(numeric), "param " + i);
        }
    }

    /** Offset of a parameter's first element in the flattened parameter vector (found by a marker value). */
    private static long offset(ComputationGraph cg, String layer, String param) {
        INDArray p = cg.getLayer(layer).getParam(param), all = cg.params();
        double saved = p.getDouble(0);
        p.putScalar(0, 12345.678);
        long found = -1;
        for (long i = 0; i < all.length() && found < 0; i++) if (all.getDouble(i) == 12345.678) found = i;
        p.putScalar(0, saved);
        assertTrue(found >= 0);
        return found;
    }

    private static MultiDataSet data(DataType dt) {
        Nd4j.getRandom().setSeed(21);
        return new MultiDataSet(input(dt, 6, false), Nd4j.randn(dt, 6, 2));
    }

    private static void trainsLikeStock(DataType dt, double tol) {
        ComputationGraph stock = graph(false, dt), fast = graph(true, dt);
        MultiDataSet m = data(dt);
        for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
            cg.setInputs(m.getFeatures());
            cg.setLabels(m.getLabels());
            cg.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), tol * stock.score(), "score " + dt);
        close(stock.gradient().gradient(), fast.gradient().gradient(), tol, "gradient " + dt);
        for (int i = 0; i < 3; i++) { stock.fit(m); fast.fit(m); }
        close(stock.params(), fast.params(), tol, "params after 3 SGD steps " + dt);
        close(stock.getLayer("bn").getParam("mean"), fast.getLayer("bn").getParam("mean"), tol, "running mean " + dt);
        close(stock.getLayer("bn").getParam("var"), fast.getLayer("bn").getParam("var"), tol, "running var " + dt);
        INDArray x = m.getFeatures(0);
        close(stock.outputSingle(false, x), fast.outputSingle(false, x), tol, "inference output after training " + dt);
    }

    @Test
    void graphTrainsLikeStockInDouble() { trainsLikeStock(DataType.DOUBLE, 1e-10); }

    @Test
    void graphTrainsLikeStockInFloat() { trainsLikeStock(DataType.FLOAT, 1e-5); }

    /** DL4J's rule by hand: running ← decay·running + (1−decay)·batch, batch variance biased (÷ N·H·W). */
    @Test
    void runningStatisticsFollowDl4jRule() {
        ComputationGraph cg = graph(true, DataType.DOUBLE);
        MultiDataSet m = data(DataType.DOUBLE);
        INDArray x = m.getFeatures(0);
        double[] mean0 = cg.getLayer("bn").getParam("mean").toDoubleVector(), var0 = cg.getLayer("bn").getParam("var").toDoubleVector();
        cg.fit(m);
        double[] mean1 = cg.getLayer("bn").getParam("mean").toDoubleVector(), var1 = cg.getLayer("bn").getParam("var").toDoubleVector();
        long count = x.size(0) * H * W;
        for (int c = 0; c < C; c++) {
            double s = 0, q = 0;
            for (int i = 0; i < x.size(0); i++)
                for (int h = 0; h < H; h++)
                    for (int w = 0; w < W; w++) s += x.getDouble(i, c, h, w);
            double mu = s / count;
            for (int i = 0; i < x.size(0); i++)
                for (int h = 0; h < H; h++)
                    for (int w = 0; w < W; w++) q += Math.pow(x.getDouble(i, c, h, w) - mu, 2);
            assertEquals(DECAY * mean0[c] + (1 - DECAY) * mu, mean1[c], 1e-12, "running mean " + c);
            assertEquals(DECAY * var0[c] + (1 - DECAY) * q / count, var1[c], 1e-12, "running var " + c);
        }
    }

    @Test
    void jsonRoundTripKeepsTheFastLayer() {
        ComputationGraph cg = graph(true, DataType.FLOAT);
        String json = cg.getConfiguration().toJson();
        assertTrue(json.contains(BatchNorm.class.getName()), "class name in the JSON");
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(cg.getConfiguration(), back);
        ComputationGraph cg2 = new ComputationGraph(back);
        cg2.init();
        assertInstanceOf(BatchNormRuntime.class, cg2.getLayer("bn"));
        BatchNorm conf = (BatchNorm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("bn")).getLayerConf().getLayer();
        assertEquals(EPS, conf.getEps());
        assertEquals(DECAY, conf.getDecay());
        assertFalse(conf.isUseLogStd());
        assertEquals(C, conf.getNOut());
        assertEquals(4 * C, cg2.getLayer("bn").numParams());
        // the stock class name in the same JSON gives DL4J's runtime and the same parameter layout
        ComputationGraph stock = new ComputationGraph(ComputationGraphConfiguration.fromJson(
                json.replace(BatchNorm.class.getName(), BatchNormalization.class.getName())));
        stock.init();
        assertFalse(stock.getLayer("bn") instanceof BatchNormRuntime);
        assertEquals(stock.getLayer("bn").paramTable().keySet().stream().toList(), cg2.getLayer("bn").paramTable().keySet().stream().toList());
    }
}
