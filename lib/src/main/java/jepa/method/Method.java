package jepa.method;

import jepa.config.MethodConfig;
import jepa.config.TrainConfig;
import jepa.train.Batch;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Map;

/**
 * A method of seed 000 as the trainer sees it: its loss layer on the shared JEPA graph ({@link JepaNetwork}), its
 * optimiser, and the labels a batch gives it. Center has no network and is not a Method (see {@link Center}).
 */
public interface Method {
    String name();

    /** Random init is probed without training. */
    default boolean trains() { return true; }

    /** Supervised trains on the probe-train split, as the reference's full-finetune probe does (§3.5). */
    default boolean trainsOnProbeSplit() { return false; }

    Layer lossLayer(JepaParams p, int dots);

    /** Sets updater and regularization on the global builder; stepsPerEpoch drives the schedule. */
    void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch);

    /** The loss layer's labels for a batch. */
    INDArray labels(Batch b);

    /** Called once a run finished training, with the diagnostics batch: a place for per-run artefacts. */
    default void afterTraining(JepaNetwork net, Batch diagnostics, java.nio.file.Path runDir) {}

    /** Loss terms worth a progress line besides the total, for b, the batch the last fit step trained on (empty by default). */
    default Map<String, Double> terms(JepaNetwork net, Batch b) { return Map.of(); }

    default MultiDataSet dataSet(Batch b) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{b.frames(), b.actions()}, new INDArray[]{labels(b)});
    }

    default JepaNetwork build(JepaParams p, int dots, TrainConfig t, int stepsPerEpoch) {
        JepaNetwork net = JepaNetwork.build(p, lossLayer(p, dots), nb -> configureOptimiser(nb, t, stepsPerEpoch),
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
        configure(net.graph());
        return net;
    }

    /**
     * Training hooks that are not part of the saved configuration (listeners, e.g. RSSM's global-norm clipping):
     * called on every graph that will be trained, after building AND after restoring a checkpoint.
     */
    default void configure(org.deeplearning4j.nn.graph.ComputationGraph cg) {}

    /** The method named in the config (not center, which has no network). */
    static Method of(MethodConfig m) {
        return switch (m.name()) {
            case MethodConfig.VICREG -> new Vicreg(new VicregParams(m.simCoeff(), m.stdCoeff(), m.covCoeff(), m.skipFirstStepVc()));
            case MethodConfig.SIMCLR -> new SimClr(m.temperature(), m.normalizeZ());
            case MethodConfig.IDM -> new Idm(m.actionCoeff());
            case MethodConfig.SUPERVISED -> new Supervised();
            case MethodConfig.RANDOM -> new RandomInit();
            case MethodConfig.RSSM -> new Rssm(new RssmParams(m.rssmLearningRate(), m.rssmMinVar(), m.rssmFreeNats()), m.sumChannels());
            default -> throw new IllegalArgumentException("method " + m.name() + " has no network");
        };
    }
}
