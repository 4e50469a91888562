package jepa.method;

import jepa.accel.loss.LossScale;

import jepa.accel.gru.Gru;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the DL4J M2.1 bug that {@link jepa.accel.ExactGradientVertex} works around: a stock SameDiffVertex (here
 * out = z ⊙ w) backpropagates exactly twice the finite-difference gradient, to its parameter and to the layer before
 * it; the same position with the project's Gru gives the exact gradient. If a DL4J upgrade fixes the bug, this
 * test fails and the workaround must go.
 */
class StockVertexGradientTest {
    public static class SquareLoss extends SameDiffOutputLayer {
        public SquareLoss() {}
        @Override public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> p) {
            return LossScale.asDl4jScore(sd, sd.math().square(x).mean(true, 0, 1, 2), LossScale.batchCount(sd, x));
        }
        @Override public String activationsVertexName() { return "input"; }
        @Override public void defineParameters(SDLayerParams params) {}
        @Override public void initializeParameters(Map<String, INDArray> params) {}
        @Override public InputType getOutputType(int i, InputType t) { return t; }
    }

    public static class Scale extends SameDiffVertex {
        private int d;
        public Scale() {}
        Scale(int d) { this.d = d; }
        @Override public void defineParametersAndInputs(SDVertexParams p) { p.defineInputs("z"); p.addWeightParam("w", 1, d, 1); }
        @Override public void initializeParameters(Map<String, INDArray> params) { params.get("w").assign(Nd4j.linspace(DataType.DOUBLE, 0.5, 0.25, d).reshape(1, d, 1)); }
        @Override public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> m) { return in.get("z").mul(p.get("w")); }
        @Override public InputType getOutputType(int i, InputType... t) { return t[0]; }
        @Override public Scale clone() { return new Scale(d); }
    }

    @Test
    void stockVertexDoublesTheGradientAndGruDoesNot() {
        assertEquals(2.0, analyticOverNumeric(false), 1e-6);
        assertEquals(1.0, analyticOverNumeric(true), 1e-6);
    }

    private double analyticOverNumeric(boolean gru) {
        int b = 4, d = 6;
        var gb = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).updater(new Sgd(1.0)).graphBuilder()
                .allowDisconnected(true)
                .addInputs("x", "actions").setInputTypes(InputType.recurrent(3, 17), InputType.recurrent(2, 16))
                .addLayer("fc", new DenseLayer.Builder().nOut(d).activation(Activation.IDENTITY).build(), "x")
                .addVertex("enc_seq", new PreprocessorVertex(new FeedForwardToRnnPreProcessor()), "fc");
        if (gru) gb.addVertex("v", new Gru(d, 1, 17, 2), "enc_seq", "actions");
        else gb.addVertex("v", new Scale(d), "enc_seq");
        ComputationGraph cg = new ComputationGraph(gb.addLayer("loss", new SquareLoss(), "v").setOutputs("loss").build());
        cg.init();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, 3, 17), a = Nd4j.randn(DataType.DOUBLE, b, 2, 16);
        var mds = Vicreg.dataSet(x, a);
        cg.setInputs(x, a);
        cg.setLabels(mds.getLabels());
        cg.computeGradientAndScore();
        INDArray an = cg.gradient().gradient().dup().divi(b);
        INDArray params = cg.params();
        double ratio = 0;
        long[] probe = {0, 5, 20, params.length() - 1};             // dense W, dense b, vertex parameter
        for (long i : probe) {
            double o = params.getDouble(i);
            params.putScalar(i, o + 1e-6);
            double up = cg.score(mds, true);
            params.putScalar(i, o - 1e-6);
            double dn = cg.score(mds, true);
            params.putScalar(i, o);
            double r = an.getDouble(i) / ((up - dn) / 2e-6);
            if (ratio != 0) assertEquals(ratio, r, 1e-5, "same factor for every parameter");
            ratio = r;
        }
        return ratio;
    }
}
