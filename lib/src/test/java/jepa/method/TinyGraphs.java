package jepa.method;

import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregParams;

import jepa.accel.gru.Gru;
import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

/** Tiny double-precision graphs for the GRU and loss checks: a dense per-frame "encoder" instead of MeNet5. */
final class TinyGraphs {
    static final int T = 17;

    private TinyGraphs() {}

    /** x [B, F, 17] → Dense(F→D) per frame = enc_seq → Gru(enc_seq, actions) → Merge → VicregLoss. */
    static ComputationGraph denseJepa(int features, int d, int gruLayers, VicregParams v, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(new Sgd(1.0)).graphBuilder()
                .addInputs("x", "actions")
                .setInputTypes(InputType.recurrent(features, T), InputType.recurrent(2, T - 1))
                .addLayer("fc", new DenseLayer.Builder().nOut(d).activation(Activation.IDENTITY).build(), "x")
                .addVertex("enc_seq", new PreprocessorVertex(new FeedForwardToRnnPreProcessor()), "fc")
                .addVertex("rollout", new Gru(d, gruLayers, T, 2), "enc_seq", "actions")
                .addVertex("rollout_enc", new MergeVertex(), "rollout", "enc_seq")
                .addLayer("loss", new VicregLoss(d, T, v), "rollout_enc")
                .setOutputs("loss").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, seed);
        return cg;
    }

    static org.nd4j.linalg.dataset.api.MultiDataSet data(INDArray x, INDArray a) {
        return Vicreg.dataSet(x, a);
    }
}
