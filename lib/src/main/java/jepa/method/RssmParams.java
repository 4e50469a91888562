package jepa.method;

import jepa.settings.Check;

/**
 * The RSSM's hyper-parameters (reference §3.4, reference §4.2).
 *
 * @param learningRate Adam lr (constant)
 * @param minVar       added to the prior and posterior stds in training only (the reference's min_var)
 * @param freeNats     floor on each step's KL averaged over batch and features
 * @param sample       false: every sample is its mean (deterministic; gradient checks)
 * @param detach       false: samples are differentiable (finite-difference checks only; the reference detaches)
 */
public record RssmParams(double learningRate, double minVar, double freeNats, boolean sample, boolean detach) implements java.io.Serializable {
    public static final double CLIP_NORM = 1000;

    public RssmParams {
        Check.positive("method.rssm.learning-rate", learningRate);
        Check.nonNegative("method.rssm.min-var", minVar);
        Check.nonNegative("method.rssm.free-nats", freeNats);
    }

    /** As the reference: sampled, detached. */
    public RssmParams(double learningRate, double minVar, double freeNats) { this(learningRate, minVar, freeNats, true, true); }

    public RssmParams withSampling(boolean sample, boolean detach) { return new RssmParams(learningRate, minVar, freeNats, sample, detach); }
}
