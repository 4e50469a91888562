package jepa.plan;

import java.util.SplittableRandom;

/**
 * Model-predictive path integral control: perturb the current plan with Gaussian noise (std {@code noise}·maxStep),
 * weight each sample by exp(−(cost − min cost)/temperature), and move the plan to the weighted mean; repeat.
 */
public record Mppi(int samples, int iterations, double noise, double temperature) implements Planner {
    public Mppi {
        if (samples < 2 || iterations < 1 || !(noise > 0) || !(temperature > 0))
            throw new IllegalArgumentException("MPPI needs samples >= 2, iterations >= 1, noise > 0, temperature > 0");
    }

    @Override public String name() { return "mppi"; }

    @Override
    public double[][] plan(Objective o, SplittableRandom rng) {
        int h = o.horizon();
        double[][] mean = new double[h][2];
        double sigma = noise * o.maxStep();
        for (int it = 0; it < iterations; it++) {
            double[][][] plans = new double[samples][h][2];
            for (int i = 0; i < samples; i++) {
                for (int t = 0; t < h; t++) for (int c = 0; c < 2; c++) plans[i][t][c] = mean[t][c] + (i == 0 ? 0 : sigma * rng.nextGaussian());
                o.clip(plans[i]);
            }
            double[] cost = o.costs(plans);
            double min = Double.POSITIVE_INFINITY;
            for (double c : cost) min = Math.min(min, c);
            double[] w = new double[samples];
            double total = 0;
            for (int i = 0; i < samples; i++) total += w[i] = Math.exp(-(cost[i] - min) / temperature);
            double[][] next = new double[h][2];
            for (int i = 0; i < samples; i++)
                for (int t = 0; t < h; t++) for (int c = 0; c < 2; c++) next[t][c] += w[i] / total * plans[i][t][c];
            mean = next;
        }
        return mean;
    }
}
