package jepa.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NormedLinear: its forward pass against a plain-Java Linear → LayerNorm(eps 1e-5) → activation in double, central
 * finite differences of a reward head built from it (all parameters, including a dense layer before it, so the
 * gradient the vertex passes back is checked too), other batch sizes after a backward pass, JSON, clone and init.
 */
class NormedLinearTest {

    /** z [B, 6] → Dense(6→5, tanh) → NormedLinear(5→7, Mish) → NormedLinear(7→6, act2) → Output(6 logits, soft CE). */
    static ComputationGraph head(Activation act2, DataType type) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(type).updater(new Sgd(0.05))
                .graphBuilder().addInputs("z").setInputTypes(InputType.feedForward(6))
                .addLayer("in", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "z")
                .addVertex("n1", new NormedLinear(5, 7), "in")
                .addVertex("n2", new NormedLinear(7, 6, act2), "n1")
                .addLayer("out", new OutputLayer.Builder().lossFunction(new SoftCrossEntropy()).nIn(6).nOut(6)
                        .activation(Activation.IDENTITY).build(), "n2")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    static INDArray softTargets(int b, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray t = Nd4j.rand(DataType.DOUBLE, b, 6);
        return t.diviColumnVector(t.sum(true, 1));
    }

    /** Plain-Java NormedLinear of one example. */
    static double[] reference(double[] x, double[][] w, double[] b, double[] gamma, double[] beta, Activation act) {
        int n = b.length;
        double[] h = new double[n];
        for (int j = 0; j < n; j++) {
            h[j] = b[j];
            for (int i = 0; i < x.length; i++) h[j] += x[i] * w[i][j];
        }
        double mean = 0, var = 0;
        for (double v : h) mean += v / n;
        for (double v : h) var += (v - mean) * (v - mean) / n;
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            double v = (h[j] - mean) / Math.sqrt(var + 1e-5) * gamma[j] + beta[j];
            y[j] = switch (act) {
                case MISH -> v * Math.tanh(Math.log1p(Math.exp(v)));
                case IDENTITY -> v;
                case TANH -> Math.tanh(v);
                default -> throw new IllegalArgumentException();
            };
        }
        return y;
    }

    @Test
    void forwardIsLinearLayerNormMish() {
        for (Activation act : new Activation[]{Activation.MISH, Activation.IDENTITY, Activation.TANH}) {
            ComputationGraph cg = head(act, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(11);
            cg.params().assign(Nd4j.randn(DataType.DOUBLE, 1, cg.numParams()));   // γ, β away from 1, 0 too
            INDArray z = Nd4j.randn(DataType.DOUBLE, 3, 6).muli(2);
            Map<String, INDArray> acts = cg.feedForward(z, false);
            for (String v : new String[]{"n1", "n2"}) {
                Map<String, INDArray> p = cg.getVertex(v).paramTable(false);
                INDArray in = acts.get(v.equals("n1") ? "in" : "n1");
                Activation a = v.equals("n1") ? Activation.MISH : act;
                for (int r = 0; r < 3; r++) {
                    double[] expected = reference(in.getRow(r).toDoubleVector(), p.get("W").toDoubleMatrix(), p.get("b").toDoubleVector(),
                            p.get("gamma").toDoubleVector(), p.get("beta").toDoubleVector(), a);
                    assertArrayEquals(expected, acts.get(v).getRow(r).toDoubleVector(), 1e-12, v + " " + a + " row " + r);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Activation act : new Activation[]{Activation.MISH, Activation.IDENTITY}) {
            int b = 4;
            ComputationGraph cg = head(act, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(3);
            cg.params().assign(Nd4j.randn(DataType.DOUBLE, 1, cg.numParams()).muli(0.7));
            INDArray z = Nd4j.randn(DataType.DOUBLE, b, 6), y = softTargets(b, 9);
            MultiDataSet mds = new MultiDataSet(new INDArray[]{z}, new INDArray[]{y});
            cg.setInputs(z);
            cg.setLabels(y);
            cg.computeGradientAndScore();
            INDArray first = cg.gradient().gradient().dup();
            for (int k = 0; k < 2; k++) {       // later passes give the same (the stock vertex fails from its second)
                cg.computeGradientAndScore();
                assertEquals(first, cg.gradient().gradient(), "backward pass " + (k + 2));
            }
            INDArray analytic = cg.gradient().gradient().dup().divi(b);
            GraphGradientCheck.Result r = GraphGradientCheck.check(cg, mds, analytic, 1e-9, 1e-5, act + " ");
            long n = cg.numParams();
            System.out.printf("NormedLinear head (%s): %d params, max relative error (|g|>1e-6) %.2e%n", act, n, r.worstRelative());
            assertTrue(r.nonTrivial() > n * 0.9, "most gradients non-trivial: " + r.nonTrivial() + "/" + n);
        }
    }

    @Test
    void otherBatchSizesAfterABackwardPassAndTraining() {
        ComputationGraph cg = head(Activation.MISH, DataType.FLOAT);
        for (int b : new int[]{4, 7, 1, 4}) {
            INDArray z = Nd4j.randn(DataType.FLOAT, b, 6);
            INDArray y = softTargets(b, b).castTo(DataType.FLOAT);
            cg.fit(new MultiDataSet(new INDArray[]{z}, new INDArray[]{y}));
            assertArrayEquals(new long[]{b, 6}, cg.outputSingle(z).shape());
        }
        // the loss falls on a fixed batch
        INDArray z = Nd4j.randn(DataType.FLOAT, 16, 6), y = softTargets(16, 1).castTo(DataType.FLOAT);
        MultiDataSet m = new MultiDataSet(new INDArray[]{z}, new INDArray[]{y});
        double before = cg.score(m);
        for (int i = 0; i < 30; i++) cg.fit(m);
        assertTrue(cg.score(m) < before, "score " + before + " → " + cg.score(m));
    }

    @Test
    void jsonAndCloneKeepTheConfiguration() {
        ComputationGraph cg = head(Activation.IDENTITY, DataType.FLOAT);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(cg.getConfiguration().toJson());
        NormedLinear n2 = (NormedLinear) back.getVertices().get("n2");
        assertEquals(7, n2.nIn());
        assertEquals(6, n2.nOut());
        assertEquals(Activation.IDENTITY, n2.activation());
        assertEquals(Activation.MISH, ((NormedLinear) back.getVertices().get("n1")).activation());
        NormedLinear c = ((NormedLinear) cg.getConfiguration().getVertices().get("n1")).clone();
        assertEquals(5, c.nIn());
        assertNotNull(c.getUpdater(), "clone copies the training config (dl4j-spark clones configurations)");
        ComputationGraph rebuilt = new ComputationGraph(back);
        rebuilt.init();
        rebuilt.setParams(cg.params());
        INDArray z = Nd4j.randn(DataType.FLOAT, 2, 6);
        assertEquals(cg.outputSingle(z), rebuilt.outputSingle(z));
    }

    @Test
    void initIsTdMpc2s() {
        ComputationGraph cg = head(Activation.MISH, DataType.DOUBLE);
        PytorchInit.apply(cg, 42);
        ComputationGraph again = head(Activation.MISH, DataType.DOUBLE);
        PytorchInit.apply(again, 42);
        assertEquals(cg.params(), again.params(), "a function of the seed");
        Map<String, INDArray> p = cg.getVertex("n1").paramTable(false);
        assertEquals(0.0, p.get("b").sumNumber().doubleValue());
        assertEquals(7.0, p.get("gamma").sumNumber().doubleValue());
        assertEquals(0.0, p.get("beta").sumNumber().doubleValue());
        // W: mean 0, std 0.02, over a big layer
        NormedLinear big = new NormedLinear(257, 512);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 257, 512);
        big.torchInit(Map.of("W", w, "b", Nd4j.ones(1, 512), "gamma", Nd4j.zeros(1, 512), "beta", Nd4j.ones(1, 512)), new SplittableRandom(1));
        assertEquals(0.0, w.meanNumber().doubleValue(), 2e-4);
        assertEquals(0.02, w.stdNumber().doubleValue(), 2e-4);
        // DL4J's own init (cg.init()) follows the same rule from ND4J's RNG
        Map<String, INDArray> d = head(Activation.MISH, DataType.DOUBLE).getVertex("n2").paramTable(false);
        assertEquals(6.0, d.get("gamma").sumNumber().doubleValue());
        assertTrue(d.get("W").amaxNumber().doubleValue() < 0.1);
    }

    @Test
    void badArgumentsAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> new NormedLinear(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new NormedLinear(4, 1));
        assertThrows(IllegalArgumentException.class, () -> new NormedLinear(4, 4, Activation.SOFTMAX));
    }
}
