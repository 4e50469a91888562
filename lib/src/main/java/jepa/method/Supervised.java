package jepa.method;

import jepa.config.TrainConfig;
import jepa.train.Batch;
import jepa.train.ReferenceAdam;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The supervised baseline (reference §3.5): the probe loss back-propagated into probe, encoder and GRU, with Adam,
 * trained on the probe-train split as the reference's full-finetune probe is. Its probe is the jointly trained one.
 */
public final class Supervised implements Method {
    @Override public String name() { return "supervised"; }
    @Override public boolean trainsOnProbeSplit() { return true; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new ProbeLoss(p.embedding(), dots); }
    @Override public INDArray labels(Batch b) { return b.locations(); }

    @Override
    public void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch) {
        b.updater(ReferenceAdam.of(t.supervisedLr()));
    }
}
