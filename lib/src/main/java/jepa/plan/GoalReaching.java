package jepa.plan;

import jepa.settings.WorldConfig;
import jepa.world.MovingDotWorld;
import jepa.world.Split;
import jepa.world.SequenceSeed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The goal-reaching evaluation of a world model (seed 001 §4.7): from a start frame and a goal frame, a planner finds
 * {@code horizon} actions whose predicted rollout ends at the goal, the actions are executed in the true world (the
 * generator's dynamics: clamping, the wall), and the episode succeeds when the dot ends within {@code radius} px of
 * the goal. Tasks: "open" — start and goal are the first and last frames of a test sequence (reachable in 16 steps);
 * "wall" — start on one side of the wall, goal on the other, so the plan must pass the door. Two references bracket
 * every planner: random actions, and the oracle (the straight line, through the door's middle when the wall is in
 * the way).
 */
public final class GoalReaching {
    public static final String OPEN = "open", WALL = "wall", RANDOM = "random", ORACLE = "oracle";
    public static final int HORIZON = 16;

    /** One row of the planning table. */
    public record Row(String planner, String task, int episodes, double successRate, double meanFinalPx) {}

    private GoalReaching() {}

    /** The task's episodes, each a pure function of (seed, task, index); frames rendered with the split's noise. */
    public static List<Episode> episodes(MovingDotWorld world, WorldConfig wc, long seed, String task, int n) {
        List<Episode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = SequenceSeed.stream(seed ^ (task.equals(WALL) ? 0x5A11L : 0), Split.TEST, 1_000_000L + i);
            float[] start, goal;
            if (task.equals(OPEN)) {
                float[] loc = world.paths(seed, Split.TEST, i).locations();
                start = new float[]{loc[0], loc[1]};
                goal = new float[]{loc[(HORIZON) * 2], loc[HORIZON * 2 + 1]};
            } else {
                WorldConfig.Wall w = wc.wall();
                if (!world.walled()) throw new IllegalArgumentException("the wall task needs the two-room world (world.kind = two-rooms)");
                double left = wc.clampMin(), right = wc.clampMax();
                float[] a = {(float) (left + (w.x() - 3 - left) * rng.nextDouble()), (float) (left + (right - left) * rng.nextDouble())};
                float[] b = {(float) (w.x() + 3 + (right - w.x() - 3) * rng.nextDouble()), (float) (left + (right - left) * rng.nextDouble())};
                boolean swap = rng.nextBoolean();
                start = swap ? b : a;
                goal = swap ? a : b;
            }
            out.add(new Episode(start, goal, world.render(new float[][]{start, goal}, rng)));
        }
        return out;
    }

    /** The dot's centre after executing the plan from {@code start} in the true world. */
    public static float[] execute(MovingDotWorld world, float[] start, double[][] plan) {
        float x = start[0], y = start[1];
        for (double[] a : plan) {
            float[] next = world.step(x, y, (float) a[0], (float) a[1]);
            x = next[0];
            y = next[1];
        }
        return new float[]{x, y};
    }

    /** Success rate and mean final distance of a planner on a model over the episodes. */
    public static Row evaluate(String task, Planner planner, WorldModel model, MovingDotWorld world, List<Episode> episodes,
                               double maxStep, double radius, long seed) {
        return score(task, planner.name(), world, episodes, radius, (e, i) ->
                planner.plan(model.toGoal(e, HORIZON, maxStep), new SplittableRandom(seed * 1_000_003L + i)));
    }

    /** Random actions, uniform in the box. */
    public static Row random(String task, MovingDotWorld world, List<Episode> episodes, double maxStep, double radius, long seed) {
        return score(task, RANDOM, world, episodes, radius, (e, i) -> {
            SplittableRandom r = new SplittableRandom(seed * 7_919L + i);
            double[][] p = new double[HORIZON][2];
            for (double[] a : p) for (int c = 0; c < 2; c++) a[c] = maxStep * (2 * r.nextDouble() - 1);
            return p;
        });
    }

    /** The oracle: the straight line, or two legs through the door's middle when the wall blocks it. */
    public static Row oracle(String task, MovingDotWorld world, WorldConfig wc, List<Episode> episodes, double radius) {
        return score(task, ORACLE, world, episodes, radius, (e, i) -> straightLine(world.walled() ? wc.wall() : null, e.start(), e.goal()));
    }

    static double[][] straightLine(WorldConfig.Wall w, float[] start, float[] goal) {
        if (w == null || !w.blocks(start[0], start[1], goal[0], goal[1])) return leg(start, goal, HORIZON);
        float[] door = {(float) w.x(), (float) ((w.doorMin() + w.doorMax()) / 2)};
        double first = Episode.distance(start, door), second = Episode.distance(door, goal);
        int n1 = (int) Math.max(1, Math.min(HORIZON - 1, Math.round(HORIZON * first / (first + second))));
        double[][] a = leg(start, door, n1), b = leg(door, goal, HORIZON - n1), p = new double[HORIZON][];
        System.arraycopy(a, 0, p, 0, n1);
        System.arraycopy(b, 0, p, n1, HORIZON - n1);
        return p;
    }

    private static double[][] leg(float[] from, float[] to, int steps) {
        double[][] p = new double[steps][2];
        for (double[] a : p) {
            a[0] = (to[0] - from[0]) / (double) steps;
            a[1] = (to[1] - from[1]) / (double) steps;
        }
        return p;
    }

    private interface PlanFor { double[][] plan(Episode e, int index); }

    private static Row score(String task, String name, MovingDotWorld world, List<Episode> episodes, double radius, PlanFor planFor) {
        int hits = 0;
        double sum = 0;
        for (int i = 0; i < episodes.size(); i++) {
            Episode e = episodes.get(i);
            double dist = Episode.distance(execute(world, e.start(), planFor.plan(e, i)), e.goal());
            sum += dist;
            if (dist <= radius) hits++;
        }
        int n = episodes.size();
        return new Row(name, task, n, n == 0 ? 0 : hits / (double) n, n == 0 ? 0 : sum / n);
    }
}
