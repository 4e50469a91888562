package jepa.method;

import jepa.config.ConfigError;

/**
 * The RSSM's hyper-parameters (reference §3.4, §4.2).
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
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) throw new ConfigError("method.rssm.learning-rate must be finite and > 0, got " + learningRate);
        if (!(minVar >= 0) || Double.isInfinite(minVar)) throw new ConfigError("method.rssm.min-var must be finite and >= 0, got " + minVar);
        if (!(freeNats >= 0) || Double.isInfinite(freeNats)) throw new ConfigError("method.rssm.free-nats must be finite and >= 0, got " + freeNats);
    }

    /** As the reference: sampled, detached. */
    public RssmParams(double learningRate, double minVar, double freeNats) { this(learningRate, minVar, freeNats, true, true); }

    public RssmParams withSampling(boolean sample, boolean detach) { return new RssmParams(learningRate, minVar, freeNats, sample, detach); }
}
