package jepa.method;

import jepa.data.Batch;
import jepa.optim.ReferenceAdam;
import jepa.probe.LinearProbe;
import jepa.probe.Predictor;
import jepa.settings.TrainConfig;
import jepa.world.Split;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The supervised baseline (reference §3.5): the probe loss back-propagated into probe, encoder and GRU, with Adam,
 * trained on the probe-train split as the reference's full-finetune probe is. Its own probe is the jointly trained one.
 */
public final class Supervised implements NetworkMethod {
    public static final MethodType TYPE = new MethodType("supervised", Supervised.class, "", Map.of("train.supervised-lr", "probing_cfg.lr"),
            m -> new Supervised());
    /** The solver name of the jointly trained probe's metrics rows. */
    public static final String JOINT = "joint";

    @Override public String name() { return TYPE.name(); }
    @Override public Split trainingSplit() { return Split.PROBE_TRAIN; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new ProbeLoss(p.embedding(), dots); }
    @Override public INDArray labels(Batch b) { return b.locations(); }

    @Override
    public void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch) {
        b.updater(ReferenceAdam.of(t.supervisedLr()));
    }

    @Override
    public Map<String, Predictor> ownProbes(JepaNetwork net) {
        INDArray w = ProbeLoss.probeWeights(net.graph(), JepaNetwork.LOSS);
        return Map.of(JOINT, LinearProbe.of(w.toDoubleMatrix()));
    }
}
