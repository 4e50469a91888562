package jepa.optim;

import jepa.settings.ConfigError;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam as the reference uses it (reference §4.2 RSSM, and the probe): PyTorch defaults β = (0.9, 0.999), ε = 1e-8, constant
 * lr, no weight decay. DL4J's {@link Adam} has the same defaults. Its step differs from PyTorch's only in where ε
 * sits: DL4J computes lr·√(1−β2ᵗ)/(1−β1ᵗ)·m/(√v + ε), PyTorch the same with ε·√(1−β2ᵗ) in place of ε (ε is
 * added to the bias-corrected √v̂). The difference matters only when √v is near 1e-8 (measured in ReferenceAdamTest).
 * <p>
 * Gradient clipping (RSSM: total L2 norm ≤ 1000) is not expressible with DL4J's GradientNormalization (per layer or
 * per param type only): use the {@link GlobalNormClipping} listener.
 */
public final class ReferenceAdam {
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;

    private ReferenceAdam() {}

    public static Adam of(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new ConfigError("adam lr must be finite and > 0, got " + lr);
        return new Adam(lr, BETA1, BETA2, EPSILON);
    }
}
