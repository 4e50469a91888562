package jepa.plan;

/**
 * What a planner minimises over action sequences: plans are [horizon][2] pixel actions, each component within
 * ±maxStep (the moving dot's largest step).
 */
public interface Objective {
    int horizon();

    double maxStep();

    /** The cost of each candidate plan ([n][horizon][2]). */
    double[] costs(double[][][] plans);

    /** The cost of one plan and its gradient (written into {@code grad}); by central differences unless a model knows better. */
    default double costAndGradient(double[][] plan, double[][] grad) {
        double h = 1e-3 * maxStep();
        for (int t = 0; t < plan.length; t++)
            for (int c = 0; c < 2; c++) {
                double keep = plan[t][c];
                plan[t][c] = keep + h;
                double up = costs(new double[][][]{plan})[0];
                plan[t][c] = keep - h;
                double down = costs(new double[][][]{plan})[0];
                plan[t][c] = keep;
                grad[t][c] = (up - down) / (2 * h);
            }
        return costs(new double[][][]{plan})[0];
    }

    /** Clips every component to ±maxStep. */
    default void clip(double[][] plan) {
        double m = maxStep();
        for (double[] a : plan) for (int c = 0; c < 2; c++) a[c] = Math.max(-m, Math.min(m, a[c]));
    }
}
