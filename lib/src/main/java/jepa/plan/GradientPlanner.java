package jepa.plan;

import java.util.SplittableRandom;

/**
 * Gradient descent on the actions through the model (Adam, projected onto the box), from a small random plan.
 */
public record GradientPlanner(int steps, double lr) implements Planner {
    public GradientPlanner {
        if (steps < 1 || !(lr > 0)) throw new IllegalArgumentException("gradient planning needs steps >= 1 and lr > 0");
    }

    @Override public String name() { return "gradient"; }

    @Override
    public double[][] plan(Objective o, SplittableRandom rng) {
        int h = o.horizon();
        double[][] a = new double[h][2], g = new double[h][2], m = new double[h][2], v = new double[h][2];
        for (double[] x : a) for (int c = 0; c < 2; c++) x[c] = 0.1 * o.maxStep() * rng.nextGaussian();
        double step = lr * o.maxStep();
        for (int k = 1; k <= steps; k++) {
            o.costAndGradient(a, g);
            double b1 = 1 - Math.pow(0.9, k), b2 = 1 - Math.pow(0.999, k);
            for (int t = 0; t < h; t++)
                for (int c = 0; c < 2; c++) {
                    m[t][c] = 0.9 * m[t][c] + 0.1 * g[t][c];
                    v[t][c] = 0.999 * v[t][c] + 0.001 * g[t][c] * g[t][c];
                    a[t][c] -= step * (m[t][c] / b1) / (Math.sqrt(v[t][c] / b2) + 1e-8);
                }
            o.clip(a);
        }
        return a;
    }
}
