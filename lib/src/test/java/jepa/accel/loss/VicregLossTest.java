package jepa.accel.loss;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import static org.junit.jupiter.api.Assertions.*;

/** VicregLoss (SameDiff, in a graph) and VicregLoss.terms (ND4J) against the reference formula written with loops. */
class VicregLossTest {
    static final int T = 17;

    @Test
    void graphScoreAndTermsEqualLoopFormula() {
        check(new VicregParams(25, 25, 1, true), 5, 6);
        check(new VicregParams(3.5, 0.7, 2.0, false), 4, 3);
    }

    private void check(VicregParams v, int b, int d) {
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, 2 * d, T).muli(0.6);
        double[] ref = reference(x, d, v);

        VicregLoss.Terms terms = VicregLoss.terms(x, d, v);
        assertEquals(ref[1], terms.pred(), 1e-12);
        assertEquals(ref[2], terms.var(), 1e-12);
        assertEquals(ref[3], terms.cov(), 1e-12);
        assertEquals(ref[0], terms.total(), 1e-12);
        assertTrue(ref[2] > 0.05 && ref[3] > 0.01, "all terms active");

        ComputationGraph cg = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new Sgd(1)).graphBuilder().addInputs("x").setInputTypes(InputType.recurrent(2L * d, T))
                .addLayer("loss", new VicregLoss(d, T, v), "x").setOutputs("loss").build());
        cg.init();
        var mds = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x}, new INDArray[]{Nd4j.zeros(DataType.DOUBLE, b, 1)});
        double score = cg.score(mds, true);
        assertEquals(ref[0], score, 1e-10 * Math.abs(ref[0]), "cg.score is the batch-mean loss (LossScale)");
        // activations of the loss layer are its input
        assertEquals(x, cg.output(x)[0]);
    }

    /** Reference reference §3.1 with explicit loops: {total, L_pred, L_var, L_cov}. */
    static double[] reference(INDArray x, int d, VicregParams v) {
        int b = (int) x.size(0);
        double pred = 0;
        for (int t = 1; t < T; t++) {
            double mse = 0;
            for (int i = 0; i < b; i++) for (int j = 0; j < d; j++) {
                double e = x.getDouble(i, j, t) - x.getDouble(i, d + j, t);
                mse += e * e;
            }
            pred += mse / (b * d);
        }
        pred /= T - 1;
        int first = v.skipFirstStepVc() ? 1 : 0;
        double var = 0, cov = 0;
        for (int t = first; t < T; t++) {
            double[][] c = new double[b][d];
            for (int j = 0; j < d; j++) {
                double m = 0;
                for (int i = 0; i < b; i++) m += x.getDouble(i, d + j, t);
                m /= b;
                for (int i = 0; i < b; i++) c[i][j] = x.getDouble(i, d + j, t) - m;
            }
            double stdLoss = 0, off = 0;
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    double s = 0;
                    for (int i = 0; i < b; i++) s += c[i][j] * c[i][k];
                    s /= b - 1;
                    if (j == k) stdLoss += Math.max(0, 1 - Math.sqrt(s + 1e-4));
                    else off += s * s;
                }
            }
            var += stdLoss / d;
            cov += off / d;
        }
        var /= T - first;
        cov /= T - first;
        return new double[]{v.simCoeff() * pred + v.stdCoeff() * var + v.covCoeff() * cov, pred, var, cov};
    }

    @Test
    void badCoefficientsAreConfigErrors() {
        assertThrows(jepa.settings.ConfigError.class, () -> new VicregParams(-1, 1, 1, true));
        assertThrows(jepa.settings.ConfigError.class, () -> new VicregLoss(0, T, VicregParams.defaults()));
    }

    @Test
    void jsonRoundTripKeepsCoefficients() {
        var conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x").setInputTypes(InputType.recurrent(8, T))
                .addLayer("loss", new VicregLoss(4, T, new VicregParams(1.5, 2.5, 3.5, false)), "x").setOutputs("loss").build();
        var back = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        var l = (VicregLoss) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("loss")).getLayerConf().getLayer();
        assertEquals(new VicregParams(1.5, 2.5, 3.5, false), l.params());
    }
}
