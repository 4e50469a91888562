package jepa.method;

import jepa.settings.TrainConfig;
import jepa.data.Batch;
import jepa.optim.Lars;
import jepa.optim.WarmupCosineSchedule;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The SSL methods (VICReg, SimCLR, IDM) share the reference's LARS with warm-up + cosine (reference §4.1). */
abstract class LarsMethod implements NetworkMethod {
    @Override
    public void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch) {
        WarmupCosineSchedule lr = new WarmupCosineSchedule(t.baseLr() * t.batchSize() / 256.0, stepsPerEpoch, t.epochs(),
                t.warmupEpochs(), 0.001, true);
        new Lars(t.weightDecay(), t.eta(), t.momentum()).configure(b, lr);
    }

    /** A dummy [B, 1] label (DL4J needs one; dl4j-notes §4 workaround #2). */
    static INDArray dummy(Batch b) { return Nd4j.zeros(b.frames().dataType(), b.size(), 1); }
}
