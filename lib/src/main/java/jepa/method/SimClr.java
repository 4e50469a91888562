package jepa.method;

import jepa.train.Batch;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** JEPA trained with SimCLR's NT-Xent between predictions and encodings (reference §3.2), LARS. */
public final class SimClr extends LarsMethod {
    private final double temperature;
    private final boolean normalizeZ;

    public SimClr(double temperature, boolean normalizeZ) {
        this.temperature = temperature;
        this.normalizeZ = normalizeZ;
    }

    @Override public String name() { return "simclr"; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new InfoNceLoss(p.embedding(), temperature, normalizeZ); }
    @Override public INDArray labels(Batch b) { return dummy(b); }
}
