package jepa.plan;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The cross-entropy method: sample plans from a Gaussian per action component (clipped to the box), keep the
 * {@code elites} cheapest, refit mean and std to them, repeat; the final mean is the plan.
 */
public record Cem(int samples, int elites, int iterations) implements Planner {
    public Cem {
        if (samples < 2 || elites < 1 || elites > samples || iterations < 1)
            throw new IllegalArgumentException("CEM needs samples >= 2, 1 <= elites <= samples, iterations >= 1");
    }

    @Override public String name() { return "cem"; }

    @Override
    public double[][] plan(Objective o, SplittableRandom rng) {
        int h = o.horizon();
        double[][] mean = new double[h][2], std = new double[h][2];
        for (double[] s : std) Arrays.fill(s, o.maxStep() / 2);
        for (int it = 0; it < iterations; it++) {
            double[][][] plans = new double[samples][h][2];
            for (double[][] p : plans) {
                for (int t = 0; t < h; t++) for (int c = 0; c < 2; c++) p[t][c] = mean[t][c] + std[t][c] * rng.nextGaussian();
                o.clip(p);
            }
            plans[0] = copy(mean);     // the current mean competes too
            double[] cost = o.costs(plans);
            Integer[] order = new Integer[samples];
            for (int i = 0; i < samples; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparingDouble(i -> cost[i]));
            for (int t = 0; t < h; t++)
                for (int c = 0; c < 2; c++) {
                    double m = 0, v = 0;
                    for (int e = 0; e < elites; e++) m += plans[order[e]][t][c] / elites;
                    for (int e = 0; e < elites; e++) v += Math.pow(plans[order[e]][t][c] - m, 2) / elites;
                    mean[t][c] = m;
                    std[t][c] = Math.max(Math.sqrt(v), 1e-3 * o.maxStep());
                }
        }
        return mean;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
