package jepa.method;

import jepa.train.Batch;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverse dynamics (reference §3.3, the reference configs' form): only action_coeff·L_IDM, the head fed
 * [current, next encoding] with the GRU's predicted current state for t ≥ 2; LARS.
 */
public final class Idm extends LarsMethod {
    private final double actionCoeff;

    public Idm(double actionCoeff) { this.actionCoeff = actionCoeff; }

    @Override public String name() { return "idm"; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return new IdmLoss(p.embedding(), actionCoeff); }
    @Override public INDArray labels(Batch b) { return b.actions(); }
}
