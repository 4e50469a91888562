package jepa.rl;

import jepa.optim.Adam;
import jepa.settings.PpoConfig;

import java.util.SplittableRandom;

/**
 * Proximal policy optimisation with CleanRL's conventions: the acting policy samples from the actor's softmax; each
 * update runs {@code update-epochs} passes over the rollout in {@code num-minibatches} shuffled minibatches, each one
 * {@link PpoLoss} step, global gradient-norm clipping over the heads' parameters, then Adam at the (annealed)
 * learning rate. The heads ({@link ActorCritic}) sit on feature vectors from a {@link FeatureSource}; a trainable
 * source gets ∂L/∂s (or null under the stop-gradient switch, {@code encoderGradient} false: the paper's ∇̂) and takes
 * its own step in the same minibatch, at the same learning rate.
 * <p>
 * The heads are plain Java rather than a DL4J/SameDiff graph: they are tiny (two 64-64 MLPs), the rollout asks them
 * for N = 4 rows at every environment step, and ND4J's fixed cost per op (tens of µs) would dominate both; in Java
 * the whole update is a few ms and deterministic.
 */
public final class Ppo {

    /** What the acting policy did on n rows: sampled actions, their log-probabilities, the critic's values. */
    public record Act(int[] actions, double[] logProbs, double[] values) {}

    /** Diagnostics of one update (losses of the last minibatch, as CleanRL logs them; clip fraction over all). */
    public record UpdateStats(double learningRate, double loss, double policyLoss, double valueLoss, double entropy, double approxKl,
                              double clipFraction, double gradNorm, double explainedVariance) {}

    private final PpoConfig config;
    private final ActorCritic model;
    private final PpoLoss loss;
    private final Adam adam;
    private final SplittableRandom actionRng, minibatchRng;
    private final boolean encoderGradient;

    /** PPO with heads on features of width featureSize; encoderGradient: whether ∂L/∂s reaches a trainable source. */
    public Ppo(PpoConfig config, int featureSize, int actions, long seed, boolean encoderGradient) {
        this.config = config;
        this.model = new ActorCritic(featureSize, actions, config.hiddenSize(), config.hiddenLayers(), RandomStreams.init(seed));
        this.loss = PpoLoss.of(config);
        this.adam = new Adam(model.params().length, config.adamEps());
        this.actionRng = RandomStreams.actions(seed);
        this.minibatchRng = RandomStreams.minibatches(seed);
        this.encoderGradient = encoderGradient;
    }

    public ActorCritic model() { return model; }

    public PpoConfig config() { return config; }

    /** Samples an action for each of n feature rows (no gradient). */
    public Act act(double[] features, int n) {
        ActorCritic.Output out = model.forward(features, n);
        int k = model.actions();
        double[] logP = new double[n * k], logProbs = new double[n];
        int[] actions = new int[n];
        for (int i = 0; i < n; i++) {
            Categorical.logSoftmax(out.logits(), i * k, k, logP);
            actions[i] = Categorical.sample(logP, i * k, k, actionRng);
            logProbs[i] = logP[i * k + actions[i]];
        }
        return new Act(actions, logProbs, out.values());
    }

    /** The critic's values of n feature rows (bootstrapping). */
    public double[] values(double[] features, int n) { return model.values(features, n); }

    /** Float observations as the heads' double features. */
    public static double[] features(float[] observations) {
        double[] s = new double[observations.length];
        for (int i = 0; i < s.length; i++) s[i] = observations[i];
        return s;
    }

    /** One PPO update on a finished rollout; update is 1-based (for the learning-rate annealing). */
    public UpdateStats update(RolloutBuffer buffer, FeatureSource source, int update) {
        double lrFraction = config.lrFraction(update), lr = lrFraction * config.learningRate();
        boolean trains = source.trainable(), intoSource = encoderGradient && trains;
        int rows = buffer.rows(), mb = rows / config.numMinibatches(), k = model.actions();
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        PpoLoss.Result last = null;
        double clipFractions = 0, gradNorm = 0;
        int minibatches = 0;
        for (int epoch = 0; epoch < config.updateEpochs(); epoch++) {
            shuffle(order, minibatchRng);
            for (int start = 0; start + mb <= rows; start += mb) {
                int[] idx = java.util.Arrays.copyOfRange(order, start, start + mb);
                int[] actions = new int[mb];
                double[] oldLogP = new double[mb], adv = new double[mb], ret = new double[mb], oldV = new double[mb];
                for (int i = 0; i < mb; i++) {
                    int r = idx[i];
                    actions[i] = buffer.actions[r];
                    oldLogP[i] = buffer.logProbs[r];
                    adv[i] = buffer.advantages[r];
                    ret[i] = buffer.returns[r];
                    oldV[i] = buffer.values[r];
                }
                double[] s = source.features(idx);
                ActorCritic.Output out = model.forward(s, mb);
                last = loss.evaluate(mb, k, out.logits(), out.values(), actions, oldLogP, adv, ret, oldV);
                model.zeroGrads();
                double[] dLds = model.backward(out, last.dLogits(), last.dValues(), intoSource);
                double sq = 0;
                for (double g : model.grads()) sq += g * g;
                gradNorm = Math.sqrt(sq);
                adam.step(model.params(), model.grads(), clipScale(gradNorm, config.maxGradNorm()), lr);
                if (trains) {
                    source.backward(dLds);
                    source.step(lr);
                }
                clipFractions += last.clipFraction();
                minibatches++;
            }
        }
        return new UpdateStats(lr, last.loss(), last.policyLoss(), last.valueLoss(), last.entropy(), last.approxKl(),
                clipFractions / minibatches, gradNorm, buffer.explainedVariance());
    }

    /** torch's clip_grad_norm_ coefficient: min(1, max / (norm + 1e-6)). */
    public static double clipScale(double norm, double max) { return Math.min(1.0, max / (norm + 1e-6)); }

    private static void shuffle(int[] a, SplittableRandom rng) {          // Fisher–Yates
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
