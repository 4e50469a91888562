package jepa.plan;

import java.util.SplittableRandom;

/**
 * Hierarchical Mode-2 planning (seed 001 §4.7, Fig. 16) in a {@link TwoLevelModel}, top down and greedy as the paper
 * first describes it. The horizon is cut into windows of the model's level-2 step ({@link #windows}).
 * <ol>
 * <li>Level 2: {@code upper} plans one summed action per window through the level-2 predictor from Enc2(s_start);
 * energy ‖ŝ2_W − Enc2(s_goal)‖²/D2, the last level-2 prediction against the goal's level-2 encoding. The level-2
 * states it predicts after windows 0..W−2 are those windows' subgoals (the paper's abstract actions a2: conditions
 * the lower level's state must satisfy).</li>
 * <li>Level 1: window after window, {@code lower} plans the window's actions from the level-1 state the previous
 * windows are predicted to end in. Energy: ‖Enc2(ŝ_end) − subgoal‖²/D2, the cost module C(s, a2) of Fig. 16 — the
 * state at the window's end lifted by level 2's own encoder, since level 2 has no decoder to bring a subgoal down
 * to level 1. The start and the goal are single frames, so a level-2 state is read as that of a frame held over a
 * window (its pooled mean is the frame's encoding, Enc2(Enc1(x)) as eq. 14) and a window's subgoal constrains the
 * state it ends in, as level 2 is probed at its windows' last frames. The last window's target is the goal frame
 * itself, so it is reached at level 1 with the flat planners' energy ‖ŝ_H − s_goal‖²/D: level 2 only supplies the
 * waypoints a single energy at the horizon lacks.</li>
 * </ol>
 * The executed plan is the windows' actions concatenated. With the same planner settings at both levels, level 1
 * rolls out as many steps as a flat plan of the whole horizon (W windows × their actions); level 2 adds W steps per
 * sample.
 */
public record HierarchicalPlanner(Planner upper, Planner lower) implements Planner {
    public static final String NAME = "hierarchical";

    /** A hierarchical plan: the windows' lengths, their summed actions, their subgoals (level 2) and the actions. */
    public record Hierarchy(int[] windows, double[][] sums, double[][] subgoals, double[][] actions) {}

    @Override public String name() { return NAME; }

    @Override
    public double[][] plan(Objective objective, SplittableRandom rng) {
        if (!(objective instanceof TwoLevelModel.Levels levels))
            throw new IllegalArgumentException("hierarchical planning needs a two-level model (H-JEPA)");
        return hierarchy(levels, rng).actions();
    }

    /** Lengths of the windows a horizon is cut into: full windows, the last one shorter when the horizon needs it. */
    public static int[] windows(int horizon, int window) {
        if (horizon < 1 || window < 1) throw new IllegalArgumentException("horizon and window must be >= 1");
        int[] w = new int[(horizon + window - 1) / window];
        for (int k = 0; k < w.length; k++) w[k] = Math.min(window, horizon - k * window);
        return w;
    }

    /** Both levels' plans for one episode. */
    public Hierarchy hierarchy(TwoLevelModel.Levels m, SplittableRandom rng) {
        int[] len = windows(m.horizon(), m.window());
        int n = len.length;
        double[] start2 = m.lift(m.start()), goal2 = m.lift(m.goal());
        double[][] sums = upper.plan(new Objective() {
            public int horizon() { return n; }
            public double maxStep() { return m.window() * m.maxStep(); }

            public double[] costs(double[][][] plans) {
                double[] c = new double[plans.length];
                for (int i = 0; i < plans.length; i++) {
                    double[][] s2 = m.levelTwo(start2, plans[i]);
                    c[i] = meanSquare(s2[n - 1], goal2);
                }
                return c;
            }

            // a window's summed action is within ±(its actions)·maxStep per component
            @Override
            public void clip(double[][] plan) {
                for (int k = 0; k < n; k++) {
                    double b = len[k] * m.maxStep();
                    for (int c = 0; c < 2; c++) plan[k][c] = Math.max(-b, Math.min(b, plan[k][c]));
                }
            }
        }, rng);
        double[][] subgoals = m.levelTwo(start2, sums);
        subgoals[n - 1] = goal2;
        double[][] actions = new double[m.horizon()][];
        double[] s = m.start();
        for (int k = 0, t0 = 0; k < n; t0 += len[k], k++) {
            double[] s0 = s, target = subgoals[k];
            boolean last = k == n - 1;
            int steps = len[k];
            double[][] a = lower.plan(new Objective() {
                public int horizon() { return steps; }
                public double maxStep() { return m.maxStep(); }

                public double[] costs(double[][][] plans) {
                    double[] c = new double[plans.length];
                    for (int i = 0; i < plans.length; i++) {
                        double[] end = m.levelOne(s0, plans[i])[steps - 1];
                        c[i] = last ? meanSquare(end, m.goal()) : meanSquare(m.lift(end), target);
                    }
                    return c;
                }
            }, rng);
            System.arraycopy(a, 0, actions, t0, steps);
            s = m.levelOne(s0, a)[steps - 1];
        }
        return new Hierarchy(len, sums, subgoals, actions);
    }

    static double meanSquare(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
        return s / a.length;
    }
}
