package jepa.accel.gru;

import jepa.accel.NativeThreads;
import jepa.accel.ExactGradientVertex;
import jepa.nn.PytorchInit;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link GruRuntime} against the stock SameDiff runtime of the same {@link Gru} configuration (ExactGradientVertex):
 * output, every parameter gradient and both input epsilons on a fixed batch (double 1e-10, float 1e-5, 1 and 2 layers);
 * central finite differences of the new runtime in double; a change of batch size after a backward pass.
 */
class GruRuntimeTest {
    static final int T = 17, A = 2;

    /** The stock runtime: the SameDiff graph of Gru.defineVertex, gradients halved (ExactGradientVertex). */
    static final class StockGru extends Gru {
        StockGru(int hidden, int layers) { super(hidden, layers, T, A); }

        @Override
        public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams,
                                       DataType dataType) {
            return ExactGradientVertex.of(this, graph, name, idx, paramsView, initializeParams, dataType);
        }

        @Override
        public StockGru clone() { return new StockGru(hidden(), layers()); }
    }

    /** z, actions → gru → an MSE RNN loss layer (no SameDiff layer besides the vertex under test). */
    static ComputationGraph graph(Gru gru, DataType type, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(type).updater(new Sgd(0.1))
                .graphBuilder().addInputs("z", "actions")
                .setInputTypes(InputType.recurrent(gru.hidden(), T), InputType.recurrent(A, T - 1))
                .addVertex("rollout", gru, "z", "actions")
                .addLayer("loss", new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "rollout")
                .setOutputs("loss").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, seed);
        cg.initGradientsView();
        return cg;
    }

    /** One forward and one backward call of a vertex: [output, dz, da] and the parameter gradients. */
    record Pass(INDArray out, INDArray dz, INDArray da, Map<String, INDArray> grads) {}

    static Pass pass(GraphVertex v, INDArray z, INDArray a, INDArray eps) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        v.setInput(0, z, mgr);
        v.setInput(1, a, mgr);
        INDArray out = v.doForward(true, mgr).dup();
        v.setEpsilon(eps);
        Pair<Gradient, INDArray[]> g = v.doBackward(false, mgr);
        Map<String, INDArray> grads = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : g.getFirst().gradientForVariable().entrySet()) grads.put(e.getKey(), e.getValue().dup());
        return new Pass(out, g.getSecond()[0].dup(), g.getSecond()[1].dup(), grads);
    }

    static double relErr(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-300);
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
    }

    @Test
    void threadCountDoesNotChangeResults() {
        // the gate passes run in chunks of hidden rows, one per thread, each reading and writing only its rows
        int b = 5, d = 7;
        Nd4j.getRandom().setSeed(12);
        INDArray z = Nd4j.randn(DataType.FLOAT, b, d, T), a = Nd4j.randn(DataType.FLOAT, b, A, T - 1), eps = Nd4j.randn(DataType.FLOAT, b, d, T);
        Pass one = pass(graph(new Gru(d, 2, T, A), DataType.FLOAT, 3).getVertex("rollout"), z, a, eps), three;
        int before = NativeThreads.set(3);
        try {
            three = pass(graph(new Gru(d, 2, T, A), DataType.FLOAT, 3).getVertex("rollout"), z, a, eps);
        } finally {
            NativeThreads.set(before);
        }
        assertArrayEquals(one.out().data().asFloat(), three.out().data().asFloat(), "output");
        assertArrayEquals(one.dz().data().asFloat(), three.dz().data().asFloat(), "dz");
        assertArrayEquals(one.da().data().asFloat(), three.da().data().asFloat(), "da");
        for (String k : one.grads().keySet()) assertArrayEquals(one.grads().get(k).data().asFloat(), three.grads().get(k).data().asFloat(), k);
    }

    private void equalsStock(int layers, DataType type, double tol) {
        int b = 5, d = 6;
        ComputationGraph fast = graph(new Gru(d, layers, T, A), type, 3), stock = graph(new StockGru(d, layers), type, 3);
        assertInstanceOf(GruRuntime.class, fast.getVertex("rollout"));
        assertInstanceOf(ExactGradientVertex.class, stock.getVertex("rollout"));
        assertEquals(stock.params(), fast.params(), "same parameters, same layout");
        Nd4j.getRandom().setSeed(11);
        INDArray z = Nd4j.randn(type, b, d, T), a = Nd4j.randn(type, b, A, T - 1), eps = Nd4j.randn(type, b, d, T);
        double worst = 0;
        for (int call = 0; call < 2; call++) {                                   // the second call reuses the buffers
            Pass f = pass(fast.getVertex("rollout"), z, a, eps), s = pass(stock.getVertex("rollout"), z, a, eps);
            worst = Math.max(worst, Math.max(relErr(s.out(), f.out()), Math.max(relErr(s.dz(), f.dz()), relErr(s.da(), f.da()))));
            for (String k : s.grads().keySet()) worst = Math.max(worst, relErr(s.grads().get(k), f.grads().get(k)));
            assertTrue(relErr(s.out(), f.out()) < tol, "output " + relErr(s.out(), f.out()));
            assertTrue(relErr(s.dz(), f.dz()) < tol, "dz " + relErr(s.dz(), f.dz()));
            assertTrue(relErr(s.da(), f.da()) < tol, "da " + relErr(s.da(), f.da()));
            assertEquals(s.grads().keySet().stream().toList(), f.grads().keySet().stream().toList(), "gradient order");
            for (String k : s.grads().keySet()) {
                double e = relErr(s.grads().get(k), f.grads().get(k));
                assertTrue(e < tol, k + ": " + e);
                assertTrue(f.grads().get(k).amaxNumber().doubleValue() > 1e-3, k + " is non-trivial");
            }
            // only z[:, :, 0] receives a gradient; it is the output's own epsilon there plus every layer's h0 gradient
            assertEquals(0.0, f.dz().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, T)).amaxNumber().doubleValue());
            assertTrue(f.dz().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0))
                    .sub(eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0))).amaxNumber().doubleValue() > 1e-3);
        }
        System.out.printf("GruRuntime vs stock, %d layer(s), %s: max relative difference %.2e%n", layers, type, worst);
    }

    @Test
    void oneLayerDoubleEqualsStock() { equalsStock(1, DataType.DOUBLE, 1e-10); }

    @Test
    void twoLayersDoubleEqualStock() { equalsStock(2, DataType.DOUBLE, 1e-10); }

    @Test
    void oneLayerFloatEqualsStock() { equalsStock(1, DataType.FLOAT, 1e-5); }

    @Test
    void twoLayersFloatEqualStock() { equalsStock(2, DataType.FLOAT, 1e-5); }

    /** In a graph: same score and same FLATTENED gradient vector (so the gradient views have the stock layout). */
    @Test
    void twoLayerGraphGradientEqualsStock() {
        int b = 4, d = 5;
        ComputationGraph fast = graph(new Gru(d, 2, T, A), DataType.DOUBLE, 8), stock = graph(new StockGru(d, 2), DataType.DOUBLE, 8);
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.randn(DataType.DOUBLE, b, d, T), a = Nd4j.randn(DataType.DOUBLE, b, A, T - 1), y = Nd4j.randn(DataType.DOUBLE, b, d, T);
        for (ComputationGraph cg : new ComputationGraph[]{fast, stock}) {
            cg.setInputs(z, a);
            cg.setLabels(y);
            cg.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), 1e-12 * stock.score());
        assertTrue(relErr(stock.gradient().gradient(), fast.gradient().gradient()) < 1e-10);
        assertEquals(fast.params().length(), fast.gradient().gradient().length());
    }

    /**
     * Central differences of L = Σ out ⊙ W (W fixed) in double w.r.t. every parameter, z[:, :, 0..1] (index 1 has none)
     * and every other action.
     */
    @Test
    void twoLayersMatchFiniteDifferences() {
        int b = 2, d = 3;
        ComputationGraph cg = graph(new Gru(d, 2, T, A), DataType.DOUBLE, 5);
        GraphVertex v = cg.getVertex("rollout");
        Nd4j.getRandom().setSeed(2);
        INDArray z = Nd4j.randn(DataType.DOUBLE, b, d, T), a = Nd4j.randn(DataType.DOUBLE, b, A, T - 1), w = Nd4j.randn(DataType.DOUBLE, b, d, T);
        Pass p = pass(v, z, a, w);
        INDArray grad = Nd4j.create(DataType.DOUBLE, v.params().length());
        long off = 0;
        for (INDArray g : p.grads().values()) {                                  // paramTable order = flattened order
            grad.get(NDArrayIndex.interval(off, off + g.length())).assign(g.reshape(g.length()));
            off += g.length();
        }
        assertEquals(v.params().length(), off);
        int checked = check(v.params().reshape(v.params().length()), grad, 1, () -> loss(v, z, a, w));
        for (int t = 0; t < 2; t++) {
            INDArray zt = z.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
            checked += check(zt, p.dz().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t)), 1, () -> loss(v, z, a, w));
        }
        checked += check(a, p.da(), 2, () -> loss(v, z, a, w));
        assertEquals(v.params().length() + 2L * b * d + a.length() / 2, checked);
    }

    private static double loss(GraphVertex v, INDArray z, INDArray a, INDArray w) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        v.setInput(0, z, mgr);
        v.setInput(1, a, mgr);
        return v.doForward(false, mgr).mul(w).sumNumber().doubleValue();
    }

    /** Perturbs every stride-th entry of x (a view of the real array; linear c-order index) against the analytic gradient. */
    private static int check(INDArray x, INDArray analytic, int stride, java.util.function.DoubleSupplier f) {
        double h = 1e-6;
        int n = 0;
        for (long i = 0; i < x.length(); i += stride) {
            long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(x, i);
            double o = x.getDouble(at);
            x.putScalar(at, o + h);
            double up = f.getAsDouble();
            x.putScalar(at, o - h);
            double down = f.getAsDouble();
            x.putScalar(at, o);
            double numeric = (up - down) / (2 * h), an = analytic.getDouble(at);
            assertEquals(numeric, an, 1e-7 + 1e-6 * Math.abs(numeric), "entry " + i);
            n++;
        }
        return n;
    }

    /** The buffers follow the batch size: fit at B = 4, then B = 7, output equals the stock runtime's. */
    @Test
    void batchSizeMayChangeAfterABackwardPass() {
        int d = 4;
        ComputationGraph fast = graph(new Gru(d, 1, T, A), DataType.DOUBLE, 9), stock = graph(new StockGru(d, 1), DataType.DOUBLE, 9);
        for (int b : new int[]{4, 7}) {
            Nd4j.getRandom().setSeed(b);
            INDArray z = Nd4j.randn(DataType.DOUBLE, b, d, T), a = Nd4j.randn(DataType.DOUBLE, b, A, T - 1);
            fast.fit(new INDArray[]{z, a}, new INDArray[]{Nd4j.randn(DataType.DOUBLE, b, d, T)});
        }
        Nd4j.getRandom().setSeed(1);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 2, d, T), a = Nd4j.randn(DataType.DOUBLE, 2, A, T - 1);
        stock.setParams(fast.params());
        INDArray f = fast.outputSingle(z, a), s = stock.outputSingle(z, a);
        assertTrue(relErr(s, f) < 1e-12);
    }
}
