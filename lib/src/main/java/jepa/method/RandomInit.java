package jepa.method;

import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregParams;

import jepa.data.Batch;
import jepa.settings.TrainConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Map;

/** The Random baseline (reference §3.6): the JEPA network at its PyTorch-default random init, never trained. */
public final class RandomInit implements NetworkMethod {
    public static final MethodType TYPE = new MethodType("random", RandomInit.class, "", Map.of(), m -> new RandomInit());

    @Override public String name() { return TYPE.name(); }
    @Override public boolean trains() { return false; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new VicregLoss(p.embedding(), JepaNetwork.FRAMES, VicregParams.defaults()); }
    @Override public INDArray labels(Batch b) { return LarsMethod.dummy(b); }
    @Override public void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch) { b.updater(new NoOp()); }
}
