package jepa.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The soft cross-entropy: its plain-Java gradient against central finite differences, the ND4J loss function against
 * the plain Java, and a ComputationGraph head trained with it against finite differences of the score (double).
 */
class SoftCrossEntropyTest {
    static final TwoHot T = TwoHot.tdmpc2();

    static double[] randomLogits(SplittableRandom rng, int n, double scale) {
        double[] l = new double[n];
        for (int i = 0; i < n; i++) l[i] = scale * (2 * rng.nextDouble() - 1);
        return l;
    }

    @Test
    void plainGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 20; trial++) {
            double[] logits = randomLogits(rng, 101, 3), t = T.encode(Math.expm1(rng.nextDouble() * 6) * (trial % 2 == 0 ? 1 : -1));
            double[] g = SoftCrossEntropy.gradient(logits, t);
            double h = 1e-6;
            for (int i = 0; i < 101; i++) {
                double o = logits[i];
                logits[i] = o + h;
                double up = SoftCrossEntropy.loss(logits, t);
                logits[i] = o - h;
                double dn = SoftCrossEntropy.loss(logits, t);
                logits[i] = o;
                assertEquals((up - dn) / (2 * h), g[i], 1e-8, "logit " + i);
            }
        }
        // the loss is −Σ t log softmax: at logits = log t it is the target's entropy, its minimum
        double[] t = T.encode(2.5), logits = new double[101];
        double entropy = 0;
        for (int i = 0; i < 101; i++) {
            logits[i] = t[i] > 0 ? Math.log(t[i]) : -200;
            if (t[i] > 0) entropy -= t[i] * Math.log(t[i]);
        }
        assertEquals(entropy, SoftCrossEntropy.loss(logits, t), 1e-12);
        assertEquals(0, java.util.Arrays.stream(SoftCrossEntropy.gradient(logits, t)).map(Math::abs).max().orElseThrow(), 1e-12);
    }

    @Test
    void nd4jLossEqualsThePlainJavaOneWithMaskAndLargeLogits() {
        SplittableRandom rng = new SplittableRandom(5);
        int b = 5;
        double[][] l = new double[b][], t = new double[b][];
        for (int i = 0; i < b; i++) {
            l[i] = randomLogits(rng, 101, i == 4 ? 400 : 2);                   // row 4: exp would overflow without the max shift
            t[i] = T.encode(Math.expm1(rng.nextDouble() * 4) - 1);
        }
        INDArray logits = Nd4j.createFromArray(l), labels = Nd4j.createFromArray(t);
        INDArray mask = Nd4j.createFromArray(new double[][]{{1}, {0}, {1}, {1}, {1}});
        SoftCrossEntropy loss = new SoftCrossEntropy();
        INDArray scores = loss.computeScoreArray(labels, logits, new ActivationIdentity(), mask);
        INDArray grad = loss.computeGradient(labels, logits, new ActivationIdentity(), mask);
        double sum = 0;
        for (int i = 0; i < b; i++) {
            double m = i == 1 ? 0 : 1, expected = m * SoftCrossEntropy.loss(l[i], t[i]);
            assertEquals(expected, scores.getDouble(i, 0), 1e-9 * Math.max(1, Math.abs(expected)));
            assertTrue(Double.isFinite(scores.getDouble(i, 0)));
            double[] g = SoftCrossEntropy.gradient(l[i], t[i]);
            for (int j = 0; j < 101; j++) assertEquals(m * g[j], grad.getDouble(i, j), 1e-12);
            sum += expected;
        }
        assertEquals(sum / b, loss.computeScore(labels, logits, new ActivationIdentity(), mask, true), 1e-9);
        assertEquals(sum, loss.computeScore(labels, logits, new ActivationIdentity(), mask, false), 1e-9);
    }

    static ComputationGraph head(DataType type, org.nd4j.linalg.lossfunctions.ILossFunction loss, Activation out) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new Sgd(0.1))
                .graphBuilder().addInputs("z").setInputTypes(InputType.feedForward(6))
                .addLayer("h", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build(), "z")
                .addLayer("reward", new OutputLayer.Builder().lossFunction(loss).nOut(101).activation(out).build(), "h")
                .setOutputs("reward").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    @Test
    void aGraphHeadTrainedWithItMatchesFiniteDifferences() {
        int b = 4;
        ComputationGraph cg = head(DataType.DOUBLE, new SoftCrossEntropy(), Activation.IDENTITY);
        Nd4j.getRandom().setSeed(7);
        cg.params().assign(Nd4j.randn(DataType.DOUBLE, 1, cg.numParams()).muli(0.5));
        INDArray z = Nd4j.randn(DataType.DOUBLE, b, 6);
        INDArray y = T.encode(new float[]{0f, 1f, -2.5f, 30f}, DataType.DOUBLE);
        MultiDataSet mds = new MultiDataSet(new INDArray[]{z}, new INDArray[]{y});
        cg.setInputs(z);
        cg.setLabels(y);
        cg.computeGradientAndScore();
        INDArray analytic = cg.gradient().gradient().dup().divi(b);     // DL4J's raw gradient is that of the batch sum
        double worst = GraphGradientCheck.check(cg, mds, analytic, 1e-9, 1e-6, "").worstRelative();
        System.out.printf("soft cross-entropy head: %d params, max relative error %.2e%n", cg.numParams(), worst);
        // two-hot targets sum to 1, so DL4J's softmax + MCXENT has the same gradient (it clips probabilities in the score only)
        ComputationGraph mc = head(DataType.DOUBLE, LossFunctions.LossFunction.MCXENT.getILossFunction(), Activation.SOFTMAX);
        mc.setParams(cg.params());
        mc.setInputs(z);
        mc.setLabels(y);
        mc.computeGradientAndScore();
        cg.computeGradientAndScore();
        assertEquals(mc.score(), cg.score(), 1e-9);
        assertTrue(mc.gradient().gradient().equalsWithEps(cg.gradient().gradient(), 1e-10));
    }

    @Test
    void jsonRoundTripKeepsTheLoss() {
        ComputationGraph cg = head(DataType.FLOAT, new SoftCrossEntropy(), Activation.IDENTITY);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(cg.getConfiguration().toJson());
        assertEquals(cg.getConfiguration(), back);
        var layer = (OutputLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("reward")).getLayerConf().getLayer();
        assertInstanceOf(SoftCrossEntropy.class, layer.getLossFn());
    }
}
