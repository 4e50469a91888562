package jepa.rl;

import java.util.Map;

/**
 * What PPO's heads see: the feature vectors s of observations, and where ∂L/∂s goes. The heads are plain Java with a
 * written-out backward pass, so the encoder below them can be any runtime: the raw state ({@link #states}, nothing to
 * train) or the pixel agent's ViT ({@link JepaEncoder}, SameDiff).
 * <p>
 * Acting: {@link #current} gives the features of the environments' present observations, {@link #record} keeps
 * what rollout step t saw and {@link #stepped} takes in the step's outcome. Updating: for each minibatch PPO asks
 * for {@link #features} of its rollout rows, then, for a trainable source, calls {@link #backward} with ∂L/∂s of
 * the actor and critic losses — or null under the stop-gradient switch ∇̂ — and {@link #step}: the source adds its
 * own losses (JEPA, regulariser), clips its own gradient and takes its optimiser step.
 */
public interface FeatureSource {

    /** Width of a feature vector. */
    int size();

    /** Features [envs, size()] of the environments' current observations (no gradient). */
    double[] current(VectorEnv env);

    /** Keeps the observations rollout step t acts on (rows t·envs + e); called before the step. */
    default void record(int t, VectorEnv env) {}

    /** Takes in the outcome of rollout step t: new observations, the final observations of episodes that ended. */
    default void stepped(int t, VectorEnv env, VectorEnv.Step step) {}

    /** Features [size()] of the final observation of environment e's episode that ended in the last step. */
    double[] last(int e, VectorEnv.Step step);

    /** Features [rows.length, size()] of rollout rows, for one minibatch (a training-mode forward pass for a network). */
    double[] features(int[] rows);

    /** Whether there are parameters below s. */
    default boolean trainable() { return false; }

    /** The gradient of the source's own losses on the last {@link #features} rows, plus Σ s·dLds unless dLds is null. */
    default void backward(double[] dLds) {}

    /** One optimiser step with the gradient of the last {@link #backward} at learning rate lr. */
    default void step(double lr) {}

    /** Its terms since the last call (e.g. jepa_loss, embedding_variance: means over the minibatches), then reset. */
    default Map<String, Double> terms() { return Map.of(); }

    /** The 4-D state itself as the features (the state-based agent). */
    static FeatureSource states(RolloutBuffer buffer) {
        return new FeatureSource() {
            @Override public int size() { return buffer.observationSize(); }

            @Override public double[] current(VectorEnv env) { return Ppo.features(env.observations()); }

            @Override
            public double[] last(int e, VectorEnv.Step step) {
                int d = buffer.observationSize();
                return Ppo.features(java.util.Arrays.copyOfRange(step.finalObservations(), e * d, e * d + d));
            }

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
