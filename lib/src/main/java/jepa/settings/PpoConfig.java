package jepa.settings;

import com.typesafe.config.Config;

/**
 * PPO, seed 003's reinforcement learner (section {@code ppo}): rollout sizes, the loss's coefficients, the optimiser,
 * the actor and critic heads. A run's seed is train.seed; whether PPO's gradient reaches an encoder is the method's
 * (the paper's ∇ switch).
 */
public record PpoConfig(int numEnvs, int numSteps, long totalSteps, int numMinibatches, int updateEpochs,
                        double learningRate, boolean annealLr, double adamEps, double gamma, double gaeLambda, double clipCoef,
                        boolean clipValueLoss, double vfCoef, double entCoef, double maxGradNorm, boolean normAdvantages,
                        int hiddenSize, int hiddenLayers, boolean bootstrapTruncation)
        implements java.io.Serializable {

    public PpoConfig {
        Check.positive("ppo.num-envs", numEnvs);
        Check.positive("ppo.num-steps", numSteps);
        Check.positive("ppo.num-minibatches", numMinibatches);
        Check.positive("ppo.update-epochs", updateEpochs);
        long batch = (long) numEnvs * numSteps;
        if (batch % numMinibatches != 0)
            throw new ConfigError("ppo.num-minibatches (" + numMinibatches + ") must divide ppo.num-envs * ppo.num-steps (" + batch + ")");
        if (batch / numMinibatches < 2)
            throw new ConfigError("a minibatch (ppo.num-envs * ppo.num-steps / ppo.num-minibatches) needs >= 2 samples, got " + batch / numMinibatches);
        if (totalSteps < batch)
            throw new ConfigError("ppo.total-steps (" + totalSteps + ") must be >= one rollout, ppo.num-envs * ppo.num-steps = " + batch);
        Check.positive("ppo.learning-rate", learningRate);
        Check.positive("ppo.adam-eps", adamEps);
        if (!(gamma > 0 && gamma <= 1)) throw new ConfigError("ppo.gamma must be in (0, 1], got " + gamma);
        if (!(gaeLambda >= 0 && gaeLambda <= 1)) throw new ConfigError("ppo.gae-lambda must be in [0, 1], got " + gaeLambda);
        Check.positive("ppo.clip-coef", clipCoef);
        Check.nonNegative("ppo.vf-coef", vfCoef);
        Check.nonNegative("ppo.ent-coef", entCoef);
        Check.positive("ppo.max-grad-norm", maxGradNorm);
        Check.positive("ppo.hidden-size", hiddenSize);
        Check.nonNegative("ppo.hidden-layers", hiddenLayers);
    }

    /** Samples per rollout: num-envs · num-steps. */
    public int batchSize() { return numEnvs * numSteps; }

    public int minibatchSize() { return batchSize() / numMinibatches; }

    /** Rollout-and-update cycles of a run: total-steps / batch (rounded down, as CleanRL). */
    public int numUpdates() { return Math.toIntExact(totalSteps / batchSize()); }

    /** The learning-rate factor of update u (1-based): 1 − (u − 1)/updates when annealing, else 1. */
    public double lrFraction(int update) { return annealLr ? 1.0 - (update - 1.0) / numUpdates() : 1.0; }

    public static PpoConfig from(Config c) {
        return new PpoConfig(Check.integer(c, "ppo.num-envs"), Check.integer(c, "ppo.num-steps"),
                Check.longValue(c, "ppo.total-steps"), Check.integer(c, "ppo.num-minibatches"), Check.integer(c, "ppo.update-epochs"),
                Check.number(c, "ppo.learning-rate"), Check.bool(c, "ppo.anneal-lr"), Check.number(c, "ppo.adam-eps"),
                Check.number(c, "ppo.gamma"), Check.number(c, "ppo.gae-lambda"), Check.number(c, "ppo.clip-coef"),
                Check.bool(c, "ppo.clip-value-loss"), Check.number(c, "ppo.vf-coef"), Check.number(c, "ppo.ent-coef"),
                Check.number(c, "ppo.max-grad-norm"), Check.bool(c, "ppo.norm-advantages"), Check.integer(c, "ppo.hidden-size"),
                Check.integer(c, "ppo.hidden-layers"), Check.bool(c, "ppo.bootstrap-truncation"));
    }
}
