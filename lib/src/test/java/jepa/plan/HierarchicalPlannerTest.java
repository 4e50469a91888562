package jepa.plan;

import jepa.config.JepaConfig;
import jepa.settings.WorldConfig;
import jepa.world.MovingDotWorld;
import jepa.world.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hierarchical planning: its windows and subgoals, and goal reaching with the oracle-like two-level model. */
class HierarchicalPlannerTest {
    @Test
    void theHorizonIsCutIntoFullWindowsAndAShorterLastOne() {
        assertArrayEquals(new int[]{4, 4, 4, 4}, HierarchicalPlanner.windows(16, 4));
        assertArrayEquals(new int[]{5, 5, 5, 1}, HierarchicalPlanner.windows(16, 5));
        assertArrayEquals(new int[]{6, 6, 4}, HierarchicalPlanner.windows(16, 6));
        assertArrayEquals(new int[]{3}, HierarchicalPlanner.windows(3, 8));
        assertArrayEquals(new int[]{1, 1, 1}, HierarchicalPlanner.windows(3, 1));
        assertThrows(IllegalArgumentException.class, () -> HierarchicalPlanner.windows(16, 0));
    }

    /**
     * A linear two-level model (no clamping) with Enc2(s) = 2s, and planners that return fixed plans and keep the
     * objectives they were given: the level-2 box per window, the subgoals, each window's start state and target.
     */
    @Test
    void subgoalsAreTheLevelTwoPredictionsAndEachWindowStartsWhereThePreviousEnds() {
        double[] start = {3, 4}, goal = {20, 9};
        TwoLevelModel.Levels linear = linear(16, 5, 4, start, goal);
        double[][] sums = {{1, 0}, {0, 1}, {1, 1}, {2, 2}};
        List<Objective> upperSaw = new ArrayList<>(), lowerSaw = new ArrayList<>();
        Planner upper = new Fixed(upperSaw, h -> sums);
        Planner lower = new Fixed(lowerSaw, h -> {
            double[][] p = new double[h][2];
            for (double[] a : p) a[0] = lowerSaw.size();      // window k's actions are all (k + 1, 0)
            return p;
        });
        HierarchicalPlanner.Hierarchy plan = new HierarchicalPlanner(upper, lower).hierarchy(linear, new SplittableRandom(1));

        assertArrayEquals(new int[]{5, 5, 5, 1}, plan.windows());
        assertEquals(1, upperSaw.size());
        Objective top = upperSaw.get(0);
        assertEquals(4, top.horizon(), "one summed action per window");
        double[][] wide = {{100, -100}, {100, -100}, {100, -100}, {100, -100}};
        top.clip(wide);
        assertArrayEquals(new double[]{20, -20, 20, -20, 20, -20, 4, -4}, flat(wide), 0, "a window's sum within ±(its actions)·maxStep");
        // the level-2 energy: the last prediction against Enc2(goal) = 2·goal
        assertEquals(0, top.costs(new double[][][]{{{17, 5}, {0, 0}, {0, 0}, {0, 0}}})[0], 1e-12);

        // subgoals: Enc2(start) + 2·(cumulated sums) for windows 0..2, Enc2(goal) for the last
        assertArrayEquals(new double[]{8, 8, 8, 10, 10, 12, 40, 18}, flat(plan.subgoals()), 1e-12);
        assertEquals(List.of(5, 5, 5, 1), lowerSaw.stream().map(Objective::horizon).toList());
        for (int t = 0; t < 16; t++) assertEquals(t / 5 + 1, plan.actions()[t][0], 0, "action " + t + " is its window's");

        // window k starts from the predicted end of windows 0..k-1 (start + 5·1 + 5·2 + ... in x) and is scored at its end
        double[] from = start.clone();
        for (int k = 0; k < 4; k++) {
            int h = plan.windows()[k];
            double[] target = k < 3 ? new double[]{plan.subgoals()[k][0] / 2, plan.subgoals()[k][1] / 2} : goal;
            double[][] reach = new double[h][2];
            for (double[] a : reach) for (int c = 0; c < 2; c++) a[c] = (target[c] - from[c]) / h;
            Objective o = lowerSaw.get(k);
            assertEquals(0, o.costs(new double[][][]{reach})[0], 1e-12, "window " + k + " reaches its subgoal");
            reach[h - 1][1] += 1;
            assertTrue(o.costs(new double[][][]{reach})[0] > 0, "window " + k + " off its subgoal");
            from[0] += h * (k + 1);
        }
        assertThrows(IllegalArgumentException.class, () -> new HierarchicalPlanner(upper, lower)
                .plan(PlanningTest.quadratic(new double[4][2]), new SplittableRandom(1)), "a flat objective has no levels");
    }

    @Test
    void withTheTrueDynamicsHierarchicalPlanningReachesOpenGoals() {
        JepaConfig cfg = JepaConfig.load(null, List.of("noise.alpha=0"));
        MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TEST);
        List<Episode> eps = GoalReaching.episodes(world, cfg.world(), 1, GoalReaching.OPEN, 60);
        GoalReaching.Row h = GoalReaching.evaluate(GoalReaching.OPEN, hierarchical(), new TrueTwoLevelModel(world, 4), world, eps, 4, 2, 1);
        GoalReaching.Row flat = GoalReaching.evaluate(GoalReaching.OPEN, cem(), new TrueTwoLevelModel(world, 4), world, eps, 4, 2, 1);
        System.out.println("open task, true dynamics: " + h + " vs flat " + flat);
        assertTrue(h.successRate() >= 0.95, "hierarchical with the true dynamics: " + h);
    }

    @Test
    void onTheWallTaskHierarchicalPlanningIsNotWorseThanFlat() {
        JepaConfig cfg = JepaConfig.load(null, List.of("world.kind=two-rooms", "noise.alpha=0"));
        WorldConfig wc = cfg.world();
        MovingDotWorld world = MovingDotWorld.of(wc, cfg.noise(), Split.TEST);
        List<Episode> eps = GoalReaching.episodes(world, wc, 1, GoalReaching.WALL, 60);
        TrueTwoLevelModel model = new TrueTwoLevelModel(world, 4);
        GoalReaching.Row h = GoalReaching.evaluate(GoalReaching.WALL, hierarchical(), model, world, eps, 4, 2, 1);
        GoalReaching.Row flat = GoalReaching.evaluate(GoalReaching.WALL, cem(), model, world, eps, 4, 2, 1);
        System.out.println("wall task, true dynamics: " + h + " vs flat " + flat);
        assertTrue(h.successRate() >= flat.successRate(), "hierarchical " + h + " vs flat " + flat);
        assertTrue(h.meanFinalPx() <= flat.meanFinalPx(), "hierarchical " + h + " vs flat " + flat);
        assertTrue(h.successRate() >= 0.9, "the subgoals pass the door: " + h);

        // the wall is passed at level 2: with a level 2 that moves through it, the subgoals lead into the wall
        MovingDotWorld open = MovingDotWorld.of(JepaConfig.load(null, List.of("noise.alpha=0")).world(), cfg.noise(), Split.TEST);
        TrueTwoLevelModel throughWalls = new TrueTwoLevelModel(world, open, 4);
        GoalReaching.Row blind = GoalReaching.evaluate(GoalReaching.WALL, hierarchical(), throughWalls, world, eps, 4, 2, 1);
        System.out.println("wall task, level 2 blind to the wall: " + blind);
        assertTrue(blind.successRate() < h.successRate() - 0.2, "blind level 2 " + blind + " vs " + h);
    }

    private static Cem cem() { return new Cem(256, 25, 8); }

    private static HierarchicalPlanner hierarchical() { return new HierarchicalPlanner(cem(), cem()); }

    private static double[] flat(double[][] a) {
        double[] out = new double[a.length * 2];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, out, 2 * i, 2);
        return out;
    }

    /** A planner that returns {@code plan(horizon)} and keeps every objective it is given. */
    private record Fixed(List<Objective> seen, java.util.function.IntFunction<double[][]> plan) implements Planner {
        public String name() { return "fixed"; }

        public double[][] plan(Objective o, SplittableRandom rng) {
            seen.add(o);
            return plan.apply(o.horizon());
        }
    }

    /** Positions moved by the sum of the actions at level 1, Enc2(s) = 2s, level 2 moved by twice the summed actions. */
    private static TwoLevelModel.Levels linear(int horizon, int window, double maxStep, double[] start, double[] goal) {
        return new TwoLevelModel.Levels() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }
            public double[] costs(double[][][] plans) { return new double[plans.length]; }
            public int window() { return window; }
            public double[] start() { return start.clone(); }
            public double[] goal() { return goal.clone(); }
            public double[] lift(double[] s) { return new double[]{2 * s[0], 2 * s[1]}; }
            public double[][] levelOne(double[] s, double[][] actions) { return walk(s, actions, 1); }
            public double[][] levelTwo(double[] s2, double[][] sums) { return walk(s2, sums, 2); }
        };
    }

    private static double[][] walk(double[] s, double[][] steps, double scale) {
        double[][] out = new double[steps.length][];
        double x = s[0], y = s[1];
        for (int t = 0; t < steps.length; t++) out[t] = new double[]{x += scale * steps[t][0], y += scale * steps[t][1]};
        return out;
    }
}
