package jepa.method;

import jepa.nn.BatchSlice;
import jepa.nn.Detach;
import jepa.nn.GraphGradientCheck;
import jepa.nn.NormedLinear;
import jepa.nn.SoftCrossEntropy;
import jepa.nn.TwoHot;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * P-JEPA's loss in miniature, in double, against central finite differences of the score: one encoder over the
 * stacked batch [o; o′] split by {@link BatchSlice}, the dynamics error T([z, a]) − z′ under a weighted MSE (so both
 * E(o) and E(o′) get gradient), the auxiliary head of {@link NormedLinear}s under the weighted
 * {@link SoftCrossEntropy}; and the {@link Detach}ed decoder branch adding nothing to the encoder's gradient.
 */
class PJepaLossGradientTest {
    static final int B = 3, IN = 4, Z = 5;

    static ComputationGraph graph(boolean decoder) {
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .graphBuilder().addInputs("x", "a")
                .addLayer("enc", new DenseLayer.Builder().nIn(IN).nOut(Z).activation(Activation.TANH).build(), "x")
                .addVertex("z", new BatchSlice(0, 2), "enc")
                .addVertex("z_next", new BatchSlice(1, 2), "enc")
                .addVertex("za", new MergeVertex(), "z", "a")
                .addVertex("t1", new NormedLinear(Z + 1, 7), "za")
                .addLayer("t2", new DenseLayer.Builder().nIn(7).nOut(Z).activation(Activation.IDENTITY).build(), "t1")
                .addVertex("err", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "t2", "z_next")
                .addLayer("dyn", new LossLayer.Builder(new LossMSE(Nd4j.valueArrayOf(new long[]{1, Z}, 2.0))).activation(Activation.IDENTITY).build(), "err")
                .addVertex("p1", new NormedLinear(Z, 6), "z")
                .addLayer("aux", new OutputLayer.Builder(new SoftCrossEntropy(10)).nIn(6).nOut(11).activation(Activation.IDENTITY).build(), "p1");
        if (decoder) {
            gb.addVertex("detached", new Detach(), "z")
                    .addLayer("dec", new OutputLayer.Builder(new LossMSE()).nIn(Z).nOut(IN).activation(Activation.IDENTITY).build(), "detached");
            return net(gb.setOutputs("dyn", "aux", "dec"));
        }
        return net(gb.setOutputs("dyn", "aux"));
    }

    private static ComputationGraph net(ComputationGraphConfiguration.GraphBuilder gb) {
        ComputationGraph cg = new ComputationGraph(gb.build());
        cg.init();
        Nd4j.getRandom().setSeed(11);
        cg.params().assign(Nd4j.randn(DataType.DOUBLE, 1, cg.numParams()).muli(0.6));
        return cg;
    }

    static MultiDataSet data(boolean decoder) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2 * B, IN), a = Nd4j.rand(DataType.DOUBLE, B, 1).muli(2).subi(1);
        INDArray twoHot = new TwoHot(11, -1, 1).encode(new float[]{0.3f, -0.55f, 0.9f}, DataType.DOUBLE);
        INDArray[] labels = decoder ? new INDArray[]{Nd4j.zeros(DataType.DOUBLE, B, Z), twoHot, Nd4j.randn(DataType.DOUBLE, B, IN)}
                : new INDArray[]{Nd4j.zeros(DataType.DOUBLE, B, Z), twoHot};
        return new MultiDataSet(new INDArray[]{x, a}, labels);
    }

    static INDArray gradient(ComputationGraph cg, MultiDataSet m) {
        cg.setInputs(m.getFeatures());
        cg.setLabels(m.getLabels());
        cg.computeGradientAndScore();
        return cg.gradient().gradient().dup().divi(B);       // DL4J's gradient is of the batch sum; score is the mean
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        ComputationGraph cg = graph(false);
        MultiDataSet m = data(false);
        INDArray analytic = gradient(cg, m);
        double worst = GraphGradientCheck.check(cg, m, analytic, 1e-8, 1e-5, "").worstRelative();
        System.out.printf("P-JEPA loss in miniature: %d params, max relative error %.2e%n", cg.numParams(), worst);
        // the encoder's gradient comes from E(o′) too: without the dynamics target's rows it would be another number
        assertTrue(cg.getLayer("enc").getGradientsViewArray().amaxNumber().doubleValue() > 0);
    }

    @Test
    void theDetachedBranchAddsNoEncoderGradient() {
        ComputationGraph with = graph(true), without = graph(false);
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : without.getVertices())
            if (v.numParams() > 0) with.getVertex(v.getVertexName()).params().assign(v.params());
        gradient(with, data(true));
        gradient(without, data(false));
        java.util.Map<String, INDArray> gw = with.gradient().gradientForVariable(), g = without.gradient().gradientForVariable();
        for (String k : g.keySet()) assertEquals(g.get(k), gw.get(k), k + ": the same gradient with the detached decoder");
        assertTrue(g.keySet().stream().anyMatch(k -> k.startsWith("enc_")));
        assertTrue(gw.get("dec_W").amaxNumber().doubleValue() > 0, "the decoder gets its own");
    }
}
