package jepa.settings;

import com.typesafe.config.Config;

/**
 * Seed 003's pixel agent (section {@code agent}): the x-encoder, a ViT over the patches of the last three frames with
 * a learnable CLS token whose output is s_x; the y-encoder, its EMA copy over the next three frames; the predictor,
 * a two-layer MLP with the action added after its first layer. PPO's heads sit on s_x.
 *
 * @param input       how frame bytes become input floats: raw (v/255) or standardised (per pixel, with the random-policy
 *                    dataset's mean and std; jepa.rl.FrameNormalization)
 * @param embedding   d_emb: the width of every token and of s_x
 * @param patchSize   side of the square patches (frame width and height must be multiples)
 * @param depth       transformer blocks
 * @param heads       attention heads (embedding must be a multiple)
 * @param mlpWidth    hidden width of a block's MLP
 * @param predictorWidth hidden width of the predictor
 * @param ema         θ̄ ← ema·θ̄ + (1 − ema)·θ after every optimiser step
 * @param maxGradNorm L2 norm clip of the encoder's and predictor's gradient, taken apart from the heads' (PPO's
 *                    max-grad-norm) so that the ∇̂ switch leaves the encoder's step independent of the RL losses
 */
public record AgentConfig(String input, int embedding, int patchSize, int depth, int heads, int mlpWidth, int predictorWidth, double ema,
                          double maxGradNorm) implements java.io.Serializable {

    public AgentConfig {
        Check.oneOf("agent.input", input, "raw", "standardised");
        Check.positive("agent.embedding", embedding);
        Check.positive("agent.patch-size", patchSize);
        Check.positive("agent.depth", depth);
        Check.positive("agent.heads", heads);
        if (embedding % heads != 0) throw new ConfigError("agent.embedding (" + embedding + ") must be a multiple of agent.heads (" + heads + ")");
        Check.positive("agent.mlp-width", mlpWidth);
        Check.positive("agent.predictor-width", predictorWidth);
        Check.range("agent.ema", ema, 0, 1);
        Check.positive("agent.max-grad-norm", maxGradNorm);
    }

    /** Checks that frames of the given size cut into whole patches; errors name the keys. */
    public void checkFrames(CartPoleConfig c) {
        if (c.frameWidth() % patchSize != 0 || c.frameHeight() % patchSize != 0)
            throw new ConfigError("cartpole.frame-width and cartpole.frame-height (" + c.frameWidth() + "×" + c.frameHeight()
                    + ") must be multiples of agent.patch-size (" + patchSize + ")");
    }

    public static AgentConfig from(Config c) {
        return new AgentConfig(Check.string(c, "agent.input"), Check.integer(c, "agent.embedding"), Check.integer(c, "agent.patch-size"), Check.integer(c, "agent.depth"),
                Check.integer(c, "agent.heads"), Check.integer(c, "agent.mlp-width"), Check.integer(c, "agent.predictor-width"),
                Check.number(c, "agent.ema"), Check.number(c, "agent.max-grad-norm"));
    }
}
