package jepa.method;

import jepa.data.Batch;
import jepa.probe.Predictor;
import jepa.settings.TrainConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.nio.file.Path;
import java.util.Map;

/**
 * A method that trains (or at least builds) a network on the shared JEPA graph ({@link JepaNetwork}): its loss layer,
 * its optimiser, and the labels a batch gives it.
 */
public interface NetworkMethod extends Method {
    Layer lossLayer(JepaParams p, int dots);

    /** Sets updater and regularization on the global builder; stepsPerEpoch drives the schedule. */
    void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch);

    /** The loss layer's labels for a batch. */
    INDArray labels(Batch b);

    /** Called once a run finished training, with the diagnostics batch: a place for per-run artefacts. */
    default void afterTraining(JepaNetwork net, Batch diagnostics, Path runDir) {}

    /** Loss terms worth a progress line besides the total, for b, the batch the last fit step trained on (empty by default). */
    default Map<String, Double> terms(JepaNetwork net, Batch b) { return Map.of(); }

    /**
     * Probes of the method's own, scored on the rollout beside the shared linear probe, by solver name: Supervised's
     * jointly trained probe ("joint"). Empty by default.
     */
    default Map<String, Predictor> ownProbes(JepaNetwork net) { return Map.of(); }

    default MultiDataSet dataSet(Batch b) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{b.frames(), b.actions()}, new INDArray[]{labels(b)});
    }

    default JepaNetwork build(JepaParams p, int dots, TrainConfig t, int stepsPerEpoch) {
        JepaNetwork net = JepaNetwork.build(p, lossLayer(p, dots), nb -> configureOptimiser(nb, t, stepsPerEpoch), DataType.FLOAT);
        configure(net.graph());
        return net;
    }

    /**
     * Training hooks that are not part of the saved configuration (listeners, e.g. RSSM's global-norm clipping):
     * called on every graph that will be trained, after building AND after restoring a checkpoint.
     */
    default void configure(ComputationGraph cg) {}
}
