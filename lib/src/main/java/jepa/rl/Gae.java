package jepa.rl;

/**
 * Generalised advantage estimation (Schulman et al. 2016) over a rollout of T steps × N environments, row t·N + e.
 * For transition t of an environment, the value of what follows is 0 if the episode terminated there, the value of
 * the final observation if it was cut by the time limit (bootstrapping: the state was not terminal, only the
 * episode's clock ran out), and otherwise V(s_{t+1}) — the next row's value, or the value of the observation after
 * the rollout's last step. The λ-recursion stops at every episode end:
 * δ_t = r_t + γ·V_next − V(s_t), A_t = δ_t + γλ·(1 − done_t)·A_{t+1}, returns R_t = A_t + V(s_t).
 * (CleanRL's PPO treats a time-limit end as terminal; passing 0 as its value here does the same.)
 */
public final class Gae {
    private Gae() {}

    /**
     * @param truncationValues V(final observation) at rows that were truncated and not terminated (ignored elsewhere)
     * @param lastValues       V of each environment's observation after the last step, [N]
     */
    public static void compute(int steps, int envs, double[] rewards, double[] values, boolean[] terminated, boolean[] truncated,
                               double[] truncationValues, double[] lastValues, double gamma, double lambda,
                               double[] advantages, double[] returns) {
        int rows = steps * envs;
        if (rewards.length < rows || values.length < rows || terminated.length < rows || truncated.length < rows
                || truncationValues.length < rows || lastValues.length < envs || advantages.length < rows || returns.length < rows)
            throw new IllegalArgumentException("GAE arrays shorter than " + steps + " steps × " + envs + " environments");
        for (int e = 0; e < envs; e++) {
            double next = 0;                       // A_{t+1}
            for (int t = steps - 1; t >= 0; t--) {
                int i = t * envs + e;
                double nextValue = terminated[i] ? 0 : truncated[i] ? truncationValues[i] : t == steps - 1 ? lastValues[e] : values[i + envs];
                double delta = rewards[i] + gamma * nextValue - values[i];
                boolean done = terminated[i] || truncated[i];
                next = delta + gamma * lambda * (done ? 0 : next);
                advantages[i] = next;
                returns[i] = next + values[i];
            }
        }
    }
}
