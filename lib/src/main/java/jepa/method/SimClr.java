package jepa.method;

import jepa.accel.loss.InfoNceLoss;

import jepa.data.Batch;
import jepa.settings.Check;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** JEPA trained with SimCLR's NT-Xent between predictions and encodings (reference §3.2), LARS. */
public final class SimClr extends LarsMethod {
    public static final MethodType TYPE = new MethodType("simclr", SimClr.class, """
            temperature = 1.0       # NT-Xent temperature
            normalize-z = false     # L2-normalise predictions and encodings first (the reference configs: no)""",
            Map.of("train.base-lr", "simclr.base_lr", "method.simclr.temperature", "simclr.loss_temp"),
            m -> new SimClr(Check.number(m.keys(), "method.simclr.temperature"), Check.bool(m.keys(), "method.simclr.normalize-z")));

    private final double temperature;
    private final boolean normalizeZ;

    public SimClr(double temperature, boolean normalizeZ) {
        Check.positive("method.simclr.temperature", temperature);
        this.temperature = temperature;
        this.normalizeZ = normalizeZ;
    }

    @Override public String name() { return TYPE.name(); }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new InfoNceLoss(p.embedding(), temperature, normalizeZ); }
    @Override public INDArray labels(Batch b) { return dummy(b); }
}
