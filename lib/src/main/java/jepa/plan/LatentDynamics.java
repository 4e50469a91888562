package jepa.plan;

import java.util.function.UnaryOperator;

/**
 * A trained latent forward model in double precision, what a planner rolls out: the states after each input from a
 * start state, and the gradient of a cost on those states with respect to the inputs.
 */
public interface LatentDynamics {
    /** Dimension of a state. */
    int dim();

    /** The rollout from s0 over the inputs xs[t]. */
    Rollout rollout(double[] s0, double[][] xs);

    /**
     * One rollout: the states after each input ([T][dim]) and its backward pass, which maps dL/dstate_t ([T][dim]) to
     * dL/dxs[t] for every step from what the forward pass kept (no second forward pass).
     */
    record Rollout(double[][] states, UnaryOperator<double[][]> backward) {
        public double[][] inputGradient(double[][] dStates) { return backward.apply(dStates); }
    }
}
