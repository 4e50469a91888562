package jepa.plan;

/**
 * A world model with a second, coarser level (H-JEPA, seed 001 §4.6): level 1 predicts one state per action, level 2
 * one state per window of {@code window} actions from the window's summed action. Its goal-reaching objective is the
 * flat one (level 1, what CEM, MPPI and gradient descent minimise) together with both levels' encoders and predictors,
 * so flat and {@link HierarchicalPlanner hierarchical} planning run on the same model.
 */
public interface TwoLevelModel extends WorldModel {
    @Override
    Levels toGoal(Episode e, int horizon, double maxStep);

    /** An episode's flat objective and its two-level view; states are plain vectors, actions px. */
    interface Levels extends Objective {
        /** Actions per level-2 step. */
        int window();

        /** The level-1 state of the start frame. */
        double[] start();

        /** The level-1 state of the goal frame. */
        double[] goal();

        /** The level-2 state of a level-1 state (a frame held over a window): Enc2(s). */
        double[] lift(double[] s);

        /** The level-1 states after each action, from {@code s} ([actions.length][D]). */
        double[][] levelOne(double[] s, double[][] actions);

        /** The level-2 states after each window's summed action, from {@code s2} ([sums.length][D2]). */
        double[][] levelTwo(double[] s2, double[][] sums);
    }
}
