package jepa.rl;

import jepa.nn.OrthogonalInit;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The actor and the critic of CleanRL's CartPole agent, on a feature vector s (the 4-D state now; later a ViT
 * encoder's CLS embedding): two separate tanh MLPs (hidden widths as configured), the actor giving action logits,
 * the critic one value. Orthogonal initialisation as CleanRL's: hidden layers gain √2, the actor's output 0.01 (a
 * near-uniform first policy), the critic's 1; biases 0. All parameters live in one flat vector (actor first), with a
 * gradient vector of the same layout that {@link #backward} accumulates into.
 */
public final class ActorCritic {

    /** One forward pass over n feature rows: logits [n, actions], values [n], and what backward needs. */
    public record Output(int n, double[] logits, double[] values, Mlp.Pass actorPass, Mlp.Pass criticPass) {}

    private final int featureSize, actions;
    private final Mlp actor, critic;
    private final double[] params, grads;

    public ActorCritic(int featureSize, int actions, int hiddenSize, int hiddenLayers, SplittableRandom rng) {
        this.featureSize = featureSize;
        this.actions = actions;
        this.actor = new Mlp(widths(featureSize, hiddenSize, hiddenLayers, actions), 0);
        this.critic = new Mlp(widths(featureSize, hiddenSize, hiddenLayers, 1), actor.size());
        this.params = new double[actor.size() + critic.size()];
        this.grads = new double[params.length];
        init(actor, 0.01, rng);
        init(critic, 1.0, rng);
    }

    private static int[] widths(int in, int hidden, int layers, int out) {
        int[] d = new int[layers + 2];
        Arrays.fill(d, hidden);
        d[0] = in;
        d[layers + 1] = out;
        return d;
    }

    private void init(Mlp m, double outputGain, SplittableRandom rng) {
        for (int l = 0; l < m.layers(); l++)
            OrthogonalInit.fill(params, m.weightOffset(l), m.in(l), m.out(l), l + 1 < m.layers() ? Math.sqrt(2) : outputGain, rng);
    }

    public int featureSize() { return featureSize; }
    public int actions() { return actions; }

    /** The live parameter vector (actor, then critic). */
    public double[] params() { return params; }

    /** The live gradient vector, same layout. */
    public double[] grads() { return grads; }

    public void zeroGrads() { Arrays.fill(grads, 0); }

    public Output forward(double[] features, int n) {
        if (features.length < n * featureSize) throw new IllegalArgumentException("features shorter than " + n + " × " + featureSize);
        Mlp.Pass a = actor.forward(params, features, n), c = critic.forward(params, features, n);
        return new Output(n, a.output(), c.output(), a, c);
    }

    /** The critic alone (bootstrap values). */
    public double[] values(double[] features, int n) { return critic.forward(params, features, n).output(); }

    /**
     * Accumulates ∂L/∂θ into {@link #grads} given ∂L/∂logits [n, actions] and ∂L/∂values [n]; returns ∂L/∂s [n, features]
     * (the sum of what flows back through both heads) when featureGradient, else null.
     */
    public double[] backward(Output out, double[] dLogits, double[] dValues, boolean featureGradient) {
        double[] ga = actor.backward(params, out.actorPass(), dLogits, grads, featureGradient);
        double[] gc = critic.backward(params, out.criticPass(), dValues, grads, featureGradient);
        if (!featureGradient) return null;
        for (int k = 0; k < ga.length; k++) ga[k] += gc[k];
        return ga;
    }
}
