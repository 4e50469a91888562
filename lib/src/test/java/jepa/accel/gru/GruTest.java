package jepa.accel.gru;

import jepa.nn.PytorchInit;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The Gru vertex against a literal plain-Java PyTorch GRU (double), and its configuration plumbing. */
class GruTest {
    static final int T = 17;

    /** Graph: z, actions → Gru (its output is the graph output's activations through a trivial loss). */
    static ComputationGraph graph(int d, int layers, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .graphBuilder().addInputs("z", "actions")
                .setInputTypes(InputType.recurrent(d, T), InputType.recurrent(2, T - 1))
                .addVertex("rollout", new Gru(d, layers, T, 2), "z", "actions")
                .addLayer("loss", new jepa.accel.loss.VicregLoss(d / 2, T, jepa.accel.loss.VicregParams.defaults()), "rollout")
                .setOutputs("loss").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, seed);
        return cg;
    }

    @Test
    void oneLayerEqualsPlainJavaGru() { compare(1); }

    @Test
    void twoLayersEqualPlainJavaGru() { compare(2); }

    private void compare(int layers) {
        int b = 3, d = 4;
        ComputationGraph cg = graph(d, layers, 7);
        Nd4j.getRandom().setSeed(1);
        INDArray z = Nd4j.randn(DataType.DOUBLE, b, d, T);
        INDArray a = Nd4j.randn(DataType.DOUBLE, b, 2, T - 1);
        INDArray out = cg.feedForward(new INDArray[]{z, a}, false).get("rollout");
        assertArrayEquals(new long[]{b, d, T}, out.shape());
        Map<String, INDArray> p = cg.getVertex("rollout").paramTable(false);
        double[][][] expected = plainGru(z, a, p, layers, d);
        double worst = 0;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < d; j++)
                for (int t = 0; t < T; t++) worst = Math.max(worst, Math.abs(expected[i][j][t] - out.getDouble(i, j, t)));
        assertTrue(worst < 1e-12, "max |DL4J − plain GRU| = " + worst);
        // the rollout moves: step 1 differs from the initial state
        assertTrue(Math.abs(expected[0][0][1] - expected[0][0][0]) > 1e-3);
    }

    /** PyTorch nn.GRU, written out: gates r, z, n; weights W_ih = Wiᵀ [3H, in], W_hh = Whᵀ [3H, H]. */
    static double[][][] plainGru(INDArray z, INDArray a, Map<String, INDArray> p, int layers, int hid) {
        int b = (int) z.size(0);
        double[][][] out = new double[b][hid][T];
        for (int i = 0; i < b; i++) {
            double[][] h = new double[layers][hid];
            for (int l = 0; l < layers; l++) for (int j = 0; j < hid; j++) h[l][j] = z.getDouble(i, j, 0);
            for (int j = 0; j < hid; j++) out[i][j][0] = h[0][j];
            for (int t = 0; t < T - 1; t++) {
                double[] x = {a.getDouble(i, 0, t), a.getDouble(i, 1, t)};
                for (int l = 0; l < layers; l++) {
                    INDArray wi = p.get("Wi" + l), wh = p.get("Wh" + l), bi = p.get("bi" + l), bh = p.get("bh" + l);
                    double[] hn = new double[hid];
                    for (int j = 0; j < hid; j++) {
                        double[] gi = new double[3], gh = new double[3];
                        for (int g = 0; g < 3; g++) {
                            int row = g * hid + j;                   // PyTorch row of W_ih / W_hh
                            gi[g] = bi.getDouble(0, row);
                            for (int k = 0; k < x.length; k++) gi[g] += wi.getDouble(k, row) * x[k];
                            gh[g] = bh.getDouble(0, row);
                            for (int k = 0; k < hid; k++) gh[g] += wh.getDouble(k, row) * h[l][k];
                        }
                        double r = sigmoid(gi[0] + gh[0]);
                        double u = sigmoid(gi[1] + gh[1]);
                        double n = Math.tanh(gi[2] + r * gh[2]);
                        hn[j] = (1 - u) * n + u * h[l][j];
                    }
                    h[l] = hn;
                    x = hn;
                }
                for (int j = 0; j < hid; j++) out[i][j][t + 1] = x[j];
            }
        }
        return out;
    }

    static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }

    @Test
    void pytorchInitIsUniformWithinOneOverSqrtHiddenAndSeeded() {
        int d = 16;
        ComputationGraph a = graph(d, 2, 3), b = graph(d, 2, 3), c = graph(d, 2, 4);
        assertEquals(a.params(), b.params());
        assertNotEquals(a.params(), c.params());
        INDArray p = a.getVertex("rollout").params();
        double bound = 1 / Math.sqrt(d);
        assertTrue(p.amaxNumber().doubleValue() <= bound);
        assertTrue(p.amaxNumber().doubleValue() > 0.95 * bound);
        // U(−k, k) has variance k²/3
        double var = p.varNumber().doubleValue();
        assertEquals(bound * bound / 3, var, 0.1 * bound * bound / 3);
        // parameter count: layer 0 in = 2, layer 1 in = H; separate input and hidden biases
        long expected = (2 * 3L * d + d * 3L * d + 6L * d) + (d * 3L * d + d * 3L * d + 6L * d);
        assertEquals(expected, p.length());
    }

    @Test
    void cloneAndJsonKeepFieldsAndUpdater() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new Adam(0.01))
                .graphBuilder().addInputs("z", "actions")
                .setInputTypes(InputType.recurrent(8, T), InputType.recurrent(2, T - 1))
                .addVertex("rollout", new Gru(8, 2, T, 2), "z", "actions")
                .addLayer("loss", new jepa.accel.loss.VicregLoss(4, T, jepa.accel.loss.VicregParams.defaults()), "rollout")
                .setOutputs("loss").build();
        Gru g = (Gru) conf.getVertices().get("rollout");
        Gru c = g.clone();
        assertEquals(8, c.hidden());
        assertEquals(2, c.layers());
        assertEquals(T, c.frames());
        assertEquals(new Adam(0.01), c.getUpdater());
        assertNotSame(g.getUpdater(), c.getUpdater());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        GraphVertex v = back.getVertices().get("rollout");
        assertEquals(g.hidden(), ((Gru) v).hidden());
        assertEquals(g.layers(), ((Gru) v).layers());
        assertEquals(new Adam(0.01), ((Gru) v).getUpdater());
        ComputationGraphConfiguration cloned = conf.clone();
        assertEquals(new Adam(0.01), ((Gru) cloned.getVertices().get("rollout")).getUpdater());
    }
}
