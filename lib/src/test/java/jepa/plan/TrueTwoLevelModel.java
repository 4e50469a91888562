package jepa.plan;

import jepa.world.MovingDotWorld;

/**
 * The oracle-like two-level model: states are the dot's centre (px) at both levels, level 1 the true dynamics step by
 * step (clamping, the wall), level 2 {@code coarse}'s dynamics applied to a window's summed action as one move — the
 * same world, so a window that would cross the wall outside the door stops at it, or the open world, a level 2 blind
 * to the wall; Enc2 the identity; the flat objective is the oracle's.
 */
record TrueTwoLevelModel(MovingDotWorld world, MovingDotWorld coarse, int window) implements TwoLevelModel {
    TrueTwoLevelModel(MovingDotWorld world, int window) { this(world, world, window); }

    @Override
    public Levels toGoal(Episode e, int horizon, double maxStep) {
        Objective flat = new OracleModel(world).toGoal(e, horizon, maxStep);
        return new Levels() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }
            public double[] costs(double[][][] plans) { return flat.costs(plans); }
            public int window() { return window; }
            public double[] start() { return new double[]{e.start()[0], e.start()[1]}; }
            public double[] goal() { return new double[]{e.goal()[0], e.goal()[1]}; }
            public double[] lift(double[] s) { return s.clone(); }
            public double[][] levelOne(double[] s, double[][] actions) { return moves(world, s, actions); }
            public double[][] levelTwo(double[] s2, double[][] sums) { return moves(coarse, s2, sums); }
        };
    }

    private static double[][] moves(MovingDotWorld world, double[] s, double[][] steps) {
        double[][] out = new double[steps.length][];
        float x = (float) s[0], y = (float) s[1];
        for (int t = 0; t < steps.length; t++) {
            float[] next = world.step(x, y, (float) steps[t][0], (float) steps[t][1]);
            x = next[0];
            y = next[1];
            out[t] = new double[]{x, y};
        }
        return out;
    }
}
