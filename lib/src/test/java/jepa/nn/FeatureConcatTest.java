package jepa.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

/** FeatureConcat gives exactly DL4J's MergeVertex: activations, input gradients, a training step, JSON round trip. */
class FeatureConcatTest {
    static final int B = 3, FA = 4, FB = 5, T = 6;

    private static ComputationGraph graph(MergeVertex merge, DataType type) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new Sgd(0.1))
                .graphBuilder().addInputs("a", "b")
                .setInputTypes(InputType.recurrent(FA, T), InputType.recurrent(FB, T))
                .addVertex("merge", merge, "a", "b")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(FA + FB).nOut(2)
                        .activation(Activation.TANH).build(), "merge")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    @Test
    void sameAsMergeVertex() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            ComputationGraph fast = graph(new FeatureConcat(), type), stock = graph(new MergeVertex(), type);
            assertInstanceOf(FeatureConcat.DenseMerge.class, fast.getVertex("merge"));
            stock.setParams(fast.params());
            Nd4j.getRandom().setSeed(5);
            INDArray a = Nd4j.randn(type, B, FA, T), b = Nd4j.randn(type, B, FB, T), y = Nd4j.randn(type, B, 2, T);
            INDArray aView = Nd4j.randn(type, B, T, FA).permute(0, 2, 1);             // a strided input
            for (INDArray first : new INDArray[]{a, aView}) {
                assertEquals(stock.feedForward(new INDArray[]{first, b}, true).get("merge"),
                        fast.feedForward(new INDArray[]{first, b}, true).get("merge"), type.toString());
                for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
                    cg.setInputs(first, b);
                    cg.setLabels(y);
                    cg.computeGradientAndScore();
                }
                assertEquals(stock.score(), fast.score(), 0.0);
                assertEquals(stock.gradient().gradient(), fast.gradient().gradient());
            }
            org.nd4j.linalg.dataset.MultiDataSet m = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{a, b}, new INDArray[]{y});
            for (int i = 0; i < 2; i++) { stock.fit(m); fast.fit(m); }
            assertEquals(stock.params(), fast.params());
            // the input gradients themselves, through the vertex alone
            INDArray eps = Nd4j.randn(type, B, FA + FB, T);
            INDArray[] ef = backward(fast, a, b, eps), es = backward(stock, a, b, eps);
            assertEquals(es[0], ef[0]);
            assertEquals(es[1], ef[1]);
        }
    }

    private static INDArray[] backward(ComputationGraph cg, INDArray a, INDArray b, INDArray eps) {
        var v = cg.getVertex("merge");
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        v.setInputs(a, b);
        v.doForward(true, ws);
        v.setEpsilon(eps);
        return v.doBackward(false, ws).getSecond();
    }

    @Test
    void jsonRoundTripKeepsTheClass() {
        ComputationGraph cg = graph(new FeatureConcat(), DataType.FLOAT);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(cg.getConfiguration().toJson());
        assertInstanceOf(FeatureConcat.class, back.getVertices().get("merge"));
    }
}
