package jepa.rl;

import java.util.Arrays;

/**
 * One PPO rollout: T steps of N environments, row t·N + e. Per row: the observation the action was chosen on (any
 * width: the 4-D state, or frames), the action, its log-probability and the value estimate under the acting
 * policy, the reward, how the step ended, and for time-limit ends the value of the final observation; after
 * {@link #finish}, the GAE advantages and returns.
 */
public final class RolloutBuffer {

    private final int steps, envs, observationSize;
    final float[] observations;
    final int[] actions;
    final double[] logProbs, values, rewards, truncationValues, advantages, returns;
    final boolean[] terminated, truncated;
    private final double[] lastValues;

    public RolloutBuffer(int steps, int envs, int observationSize) {
        this.steps = steps;
        this.envs = envs;
        this.observationSize = observationSize;
        int rows = steps * envs;
        observations = new float[Math.multiplyExact(rows, observationSize)];
        actions = new int[rows];
        logProbs = new double[rows];
        values = new double[rows];
        rewards = new double[rows];
        truncationValues = new double[rows];
        advantages = new double[rows];
        returns = new double[rows];
        terminated = new boolean[rows];
        truncated = new boolean[rows];
        lastValues = new double[envs];
    }

    public int steps() { return steps; }
    public int envs() { return envs; }
    public int rows() { return steps * envs; }
    public int observationSize() { return observationSize; }

    /** Row t·N + e: the observations [N·observationSize] and what the policy did on them at step t. */
    public void recordActions(int t, float[] obs, int[] acts, double[] logProb, double[] value) {
        int base = t * envs;
        System.arraycopy(obs, 0, observations, base * observationSize, envs * observationSize);
        System.arraycopy(acts, 0, actions, base, envs);
        System.arraycopy(logProb, 0, logProbs, base, envs);
        System.arraycopy(value, 0, values, base, envs);
    }

    /** The outcome of step t; truncationValue[e] is V(final observation) where env e was cut by the time limit. */
    public void recordOutcome(int t, double[] reward, boolean[] term, boolean[] trunc, double[] truncationValue) {
        int base = t * envs;
        System.arraycopy(reward, 0, rewards, base, envs);
        System.arraycopy(term, 0, terminated, base, envs);
        System.arraycopy(trunc, 0, truncated, base, envs);
        System.arraycopy(truncationValue, 0, truncationValues, base, envs);
    }

    /** Closes the rollout with V(observation after the last step) per environment and computes advantages and returns. */
    public void finish(double[] lastValue, double gamma, double lambda) {
        System.arraycopy(lastValue, 0, lastValues, 0, envs);
        Gae.compute(steps, envs, rewards, values, terminated, truncated, truncationValues, lastValues, gamma, lambda, advantages, returns);
    }

    /** Observation of row r, copied into dst at offset (as double, the heads' type). */
    public void observation(int row, double[] dst, int offset) {
        int base = row * observationSize;
        for (int k = 0; k < observationSize; k++) dst[offset + k] = observations[base + k];
    }

    public int action(int row) { return actions[row]; }
    public double value(int row) { return values[row]; }
    public double advantage(int row) { return advantages[row]; }
    public double returnOf(int row) { return returns[row]; }

    /** Variance of returns explained by the acting values: 1 − Var(R − V)/Var(R) (NaN when Var(R) = 0). */
    public double explainedVariance() {
        int n = rows();
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) diff[i] = returns[i] - values[i];
        double varY = variance(Arrays.copyOf(returns, n));
        return varY == 0 ? Double.NaN : 1 - variance(diff) / varY;
    }

    private static double variance(double[] a) {
        double m = 0, s = 0;
        for (double v : a) m += v;
        m /= a.length;
        for (double v : a) s += (v - m) * (v - m);
        return s / a.length;
    }
}
