package jepa.method;

import jepa.data.Batch;
import jepa.settings.Check;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverse dynamics (reference §3.3, the reference configs' form): only action_coeff·L_IDM, the head fed
 * [current, next encoding] with the GRU's predicted current state for t ≥ 2; LARS.
 */
public final class Idm extends LarsMethod {
    // the reference trains IDM as its VICReg model with the VICReg terms at 0: its lr and action_coeff are vicreg.*
    public static final MethodType TYPE = new MethodType("idm", Idm.class, """
            action-coeff = 1.0      # weight of the inverse-dynamics loss""",
            Map.of("train.base-lr", "vicreg.base_lr", "method.idm.action-coeff", "vicreg.action_coeff"),
            m -> new Idm(Check.number(m.keys(), "method.idm.action-coeff")));

    private final double actionCoeff;

    public Idm(double actionCoeff) {
        Check.positive("method.idm.action-coeff", actionCoeff);
        this.actionCoeff = actionCoeff;
    }

    @Override public String name() { return TYPE.name(); }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new IdmLoss(p.embedding(), actionCoeff); }
    @Override public INDArray labels(Batch b) { return b.actions(); }
}
