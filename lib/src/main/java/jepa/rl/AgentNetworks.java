package jepa.rl;

/**
 * The pixel agent's networks in one runtime: the x-encoder with the predictor and the loss of {@link JepaEncoder}
 * (the trained parameters θ, flat: the ViT's in {@code VisionTransformer.variables} order, then the predictor's in
 * {@link JepaPredictor}'s), and the y-encoder (θ̄: the ViT's). {@link SameDiffNetworks} runs them as SameDiff graphs
 * (compute.backend = stock), {@link JavaNetworks} on the project's runtime ({@code VitRuntime}); the two take the
 * same steps (JepaEncoderTest).
 */
interface AgentNetworks {
    /** s_x of n inputs (acting: nothing kept). */
    double[] encode(float[] x, int n);

    /** s_x of n inputs, kept for {@link #gradient}. */
    double[] features(float[] x, int n);

    /** ∂L/∂θ and L_JEPA (NaN without J) of the kept batch. */
    record Gradient(double[] theta, double jepaLoss) {}

    /**
     * The gradient of L = L_JEPA·[J] + L_reg·[R] + Σ s_x⊙g on the batch of the last {@link #features}: g [n, d] (zeros
     * under ∇̂), the actions taken on the rows, and (with J) the y-encoder's inputs y.
     */
    Gradient gradient(double[] g, int[] actions, float[] y);

    void setOnline(double[] theta);

    void setTarget(double[] thetaBar);
}
