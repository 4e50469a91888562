package jepa.plan;

/**
 * A trained latent forward model in double precision, what a planner rolls out: the states after each input from a
 * start state, and the gradient of a cost on those states with respect to the inputs.
 */
public interface LatentDynamics {
    /** Dimension of a state. */
    int dim();

    /** The states after each input xs[t] from s0 ([T][dim]). */
    double[][] states(double[] s0, double[][] xs);

    /** dL/dxs[t] for every step, given dL/dstate_t ({@code dStates[t]}, [T][dim]). */
    double[][] inputGradient(double[] s0, double[][] xs, double[][] dStates);
}
