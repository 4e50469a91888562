package jepa.plan;

import java.util.SplittableRandom;

/** Finds the action sequence of least cost. */
public interface Planner {
    /** The name in the planning table. */
    String name();

    /** A plan [horizon][2] for the objective, random draws from rng. */
    double[][] plan(Objective objective, SplittableRandom rng);

    static double[][][] zeros(int n, int horizon) { return new double[n][horizon][2]; }
}
