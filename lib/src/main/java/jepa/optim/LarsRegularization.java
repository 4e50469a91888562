package jepa.optim;

import jepa.settings.ConfigError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Steps 1–2 of the reference LARS (reference §4.1, {@code lars.py::LARS.step}) for ONE parameter tensor:
 * g ← g + wd·p, then g ← g·(η‖p‖/‖g‖) when both norms are > 0 (Frobenius norms of the whole tensor).
 * <p>
 * Why a {@link Regularization}: a DL4J GradientUpdater sees only the gradient of a whole updater block
 * (several parameters concatenated), but UpdaterBlock calls a BEFORE_UPDATER regularization once per parameter
 * with that parameter's own value and gradient views, before the updater runs. Steps 3–4 are {@link Momentum}.
 * <p>
 * The reference excludes 1-D tensors (biases, BN γ/β). In DL4J that is done by where this object is put: set it
 * as the layer's {@code regularization} (weights) and leave {@code regularizationBias} empty. DL4J routes
 * dense/conv "b" and SameDiff {@code addBiasParam} params to regularizationBias, and BatchNormalization returns no
 * regularization at all for gamma/beta/mean/var — see {@link Lars}.
 */
public final class LarsRegularization implements Regularization {

    @JsonProperty
    private final double weightDecay;
    @JsonProperty
    private final double eta;

    public LarsRegularization(@JsonProperty("weightDecay") double weightDecay, @JsonProperty("eta") double eta) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new ConfigError("lars.weight-decay must be finite and >= 0, got " + weightDecay);
        if (!(eta > 0) || Double.isInfinite(eta)) throw new ConfigError("lars.eta must be finite and > 0, got " + eta);
        this.weightDecay = weightDecay;
        this.eta = eta;
    }

    /** weight decay 1e-6, η = 0.001 as in the reference. */
    public static LarsRegularization reference() { return new LarsRegularization(1e-6, 0.001); }

    @Override
    public ApplyStep applyStep() { return ApplyStep.BEFORE_UPDATER; }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        if (weightDecay != 0) Nd4j.exec(new Axpy(param, gradView, gradView, weightDecay)); // g = wd·p + g, in place
        double pNorm = param.norm2Number().doubleValue();
        double gNorm = gradView.norm2Number().doubleValue();
        if (pNorm > 0 && gNorm > 0) gradView.muli(eta * pNorm / gNorm);
    }

    /** 0: the reference's logged loss has no weight-decay term, so DL4J's score must not get one either. */
    @Override
    public double score(INDArray param, int iteration, int epoch) { return 0.0; }

    @Override
    public Regularization clone() { return new LarsRegularization(weightDecay, eta); }

    public double weightDecay() { return weightDecay; }
    public double eta() { return eta; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LarsRegularization l && l.weightDecay == weightDecay && l.eta == eta;
    }

    @Override
    public int hashCode() { return Objects.hash(weightDecay, eta); }

    @Override
    public String toString() { return "LarsRegularization(weightDecay=" + weightDecay + ", eta=" + eta + ")"; }
}
