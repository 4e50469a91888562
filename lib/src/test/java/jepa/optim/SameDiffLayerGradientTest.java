package jepa.optim;

import jepa.optim.LarsTest;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A pitfall found while testing LARS with SameDiff layers (DL4J 1.0.0-M2.1): inside a ComputationGraph, a
 * SameDiffLayer's parameter gradients from computeGradientAndScore are exactly TWICE the true gradient (checked
 * against central finite differences and against the same layer built from DenseLayer). Output-layer gradients are
 * right. Whoever builds SameDiff layers/vertices must gradient-check them; LARS itself hides a uniform factor on
 * weights (trust ratio), but not on biases or in the weight-decay term.
 */
class SameDiffLayerGradientTest {

    static ComputationGraph graph(Layer hidden) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .miniBatch(false).updater(new Sgd(0.1)).graphBuilder().addInputs("in")
                .addLayer("h", hidden, "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(3)
                        .activation(Activation.IDENTITY).build(), "h")
                .setOutputs("out").build();
        return LarsTest.net(conf);
    }

    static double centralDifference(ComputationGraph g, String key, int i) {
        INDArray p = g.getParam(key);
        double old = p.getDouble(i), h = 1e-6;
        p.putScalar(i, old + h);
        g.computeGradientAndScore();
        double up = g.score();
        p.putScalar(i, old - h);
        g.computeGradientAndScore();
        double down = g.score();
        p.putScalar(i, old);
        return (up - down) / (2 * h);
    }

    @Test
    void sameDiffLayerGradientIsTwiceTheTrueGradient() {
        DataSet ds = LarsTest.batch();
        ComputationGraph sd = graph(new TinySameDiffDense(4, 5));
        ComputationGraph dense = graph(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build());
        for (String k : sd.paramTable().keySet()) dense.getParam(k).assign(sd.getParam(k));
        for (ComputationGraph g : new ComputationGraph[]{sd, dense}) {
            g.setInputs(ds.getFeatures());
            g.setLabels(ds.getLabels());
        }
        for (String key : new String[]{"h_W", "h_b", "out_b"}) {
            double fd = centralDifference(sd, key, 0);
            assertEquals(fd, centralDifference(dense, key, 0), 1e-9, key);
            sd.computeGradientAndScore();
            dense.computeGradientAndScore();
            double gSd = sd.gradient().getGradientFor(key).getDouble(0);
            double gDense = dense.gradient().getGradientFor(key).getDouble(0);
            System.out.printf("%s[0]: finite difference %.6f, DenseLayer %.6f, SameDiffLayer %.6f%n", key, fd, gDense, gSd);
            assertEquals(fd, gDense, 1e-6 * Math.max(1, Math.abs(fd)), key);
            double factor = key.startsWith("h_") ? 2.0 : 1.0;
            assertEquals(factor * fd, gSd, 1e-6 * Math.max(1, Math.abs(fd)), key);
        }
    }
}
