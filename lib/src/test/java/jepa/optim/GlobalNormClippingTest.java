package jepa.optim;

import jepa.settings.ConfigError;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GlobalNormClippingTest {

    static final double LR = 0.1;
    static final List<String> BN_STATS = List.of("bn_mean", "bn_var", "bn_log10stdev");

    static ComputationGraph net(boolean miniBatch) {
        return LarsTest.net(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).miniBatch(miniBatch)
                .weightInit(WeightInit.XAVIER).updater(new Sgd(LR)).graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().nOut(5).build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(3)
                        .activation(Activation.IDENTITY).build(), "bn")
                .setOutputs("out").build());
    }

    /** One SGD step by hand with clip_grad_norm_(maxNorm); returns the expected parameters (flattened, in order). */
    static INDArray handStep(ComputationGraph ref, DataSet ds, double maxNorm, boolean miniBatch) {
        ref.setInputs(ds.getFeatures());
        ref.setLabels(ds.getLabels());
        ref.computeGradientAndScore();
        Map<String, INDArray> grads = ref.gradient().gradientForVariable();
        double div = miniBatch ? ds.numExamples() : 1;
        double sq = 0;
        for (String k : grads.keySet()) if (!BN_STATS.contains(k)) sq += Math.pow(grads.get(k).norm2Number().doubleValue() / div, 2);
        double total = Math.sqrt(sq);
        double coef = Math.min(1, maxNorm / (total + 1e-6));
        for (String k : ref.paramTable().keySet()) {
            INDArray g = grads.get(k).dup();
            if (BN_STATS.contains(k)) ref.getParam(k).subi(g);                    // running stats: never clipped
            else ref.getParam(k).subi(g.muli(LR * coef / div));
        }
        return ref.params().dup();
    }

    static double trainableNorm(ComputationGraph ref, DataSet ds) {
        ComputationGraph g = net(false);
        g.setParams(ref.params().dup());
        g.setInputs(ds.getFeatures());
        g.setLabels(ds.getLabels());
        g.computeGradientAndScore();
        double sq = 0;
        for (var e : g.gradient().gradientForVariable().entrySet())
            if (!BN_STATS.contains(e.getKey())) sq += Math.pow(e.getValue().norm2Number().doubleValue(), 2);
        return Math.sqrt(sq);
    }

    void clipsLikePyTorch(boolean miniBatch) {
        DataSet ds = LarsTest.batch();
        ComputationGraph fitted = net(miniBatch), ref = net(miniBatch);
        ref.setParams(fitted.params().dup());
        double total = trainableNorm(fitted, ds) / (miniBatch ? ds.numExamples() : 1);
        double maxNorm = 0.25 * total;
        Map<String, INDArray> before = new java.util.HashMap<>();
        fitted.paramTable().forEach((k, v) -> before.put(k, v.dup()));

        fitted.setListeners(new GlobalNormClipping(maxNorm));
        fitted.fit(ds);
        INDArray expected = handStep(ref, ds, maxNorm, miniBatch);
        assertEquals(0, fitted.params().distance1(expected), 1e-12);

        // the step over all trainable params has norm lr·maxNorm (up to the 1e-6 in PyTorch's coefficient)
        double sq = 0;
        for (String k : fitted.paramTable().keySet())
            if (!BN_STATS.contains(k)) sq += Math.pow(fitted.getParam(k).distance2(before.get(k)), 2);
        assertEquals(LR * maxNorm, Math.sqrt(sq), 1e-6 * LR * maxNorm);
    }

    @Test
    void clipsTheGlobalNormWithoutMinibatchDivision() { clipsLikePyTorch(false); }

    @Test
    void clipsTheNormOfTheBatchMeanGradientWithMinibatchDivision() { clipsLikePyTorch(true); }

    @Test
    void belowTheThresholdNothingChanges() {
        DataSet ds = LarsTest.batch();
        ComputationGraph clipped = net(false), plain = net(false);
        plain.setParams(clipped.params().dup());
        clipped.setListeners(new GlobalNormClipping(1000));
        clipped.fit(ds);
        plain.fit(ds);
        assertEquals(plain.params(), clipped.params());
    }

    @Test
    void badThresholdNamesTheKey() {
        assertTrue(assertThrows(ConfigError.class, () -> new GlobalNormClipping(0)).getMessage().contains("max-norm"));
    }

    @Test
    void survivesJavaSerializationAsSparkShipsListeners() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) { out.writeObject(new GlobalNormClipping(1000)); }
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(1000, ((GlobalNormClipping) in.readObject()).maxNorm(), 0.0);
        }
    }
}
