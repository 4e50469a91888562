package jepa.rl;

/**
 * Where PPO's feature vectors s come from in an update, and where ∂L/∂s goes. The heads are plain Java with a
 * written-out backward pass, so the encoder below them can be any runtime: the raw state ({@link #states}, nothing to
 * train), or a network (a SameDiff ViT takes ∂L/∂s as the gradient of the extra loss term Σ s·g with g a placeholder
 * fed ∂L/∂s; a ComputationGraph takes it as backpropGradient's epsilon). PPO's global gradient-norm clipping covers
 * the heads and this source together (as clip_grad_norm_ over all of an agent's parameters does), so the source
 * reports its gradient's squared norm and applies its own optimiser step with the clipping scale.
 * <p>
 * With {@code ppo.encoder-gradient = false} (stop-gradient) PPO never calls {@link #backward} or {@link #step}: the
 * encoder is then trained by other losses only.
 */
public interface FeatureSource {

    /** Width of a feature vector. */
    int size();

    /** The features [rows.length, size()] of rollout rows (a training-mode forward pass for a network). */
    double[] features(int[] rows);

    /** Whether there are parameters below s (false: ∂L/∂s is not computed). */
    default boolean trainable() { return false; }

    /** Accumulates the encoder's parameter gradient for ∂L/∂s [rows, size()] of the last {@link #features} call. */
    default void backward(double[] dLds) {}

    /** Squared L2 norm of the gradient accumulated since the last step. */
    default double gradientSquaredNorm() { return 0; }

    /** One optimiser step with the gradient times clipScale, at the learning-rate factor of this update; clears the gradient. */
    default void step(double clipScale, double lrFraction) {}

    /** The rollout's observations themselves as features (the state-based agent). */
    static FeatureSource states(RolloutBuffer buffer) {
        return new FeatureSource() {
            @Override public int size() { return buffer.observationSize(); }

            @Override
            public double[] features(int[] rows) {
                int d = buffer.observationSize();
                double[] s = new double[rows.length * d];
                for (int r = 0; r < rows.length; r++) buffer.observation(rows[r], s, r * d);
                return s;
            }
        };
    }
}
