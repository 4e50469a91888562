package jepa.plan;

import jepa.config.JepaConfig;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.settings.WorldConfig;
import jepa.world.MovingDotWorld;
import jepa.world.Normalization;
import jepa.world.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Planners on a known energy, planning with the true dynamics, the wall, and the JEPA model's gradient. */
class PlanningTest {
    /** Σ (a − a*)² with a* inside the box. */
    static Objective quadratic(double[][] target) {
        return new Objective() {
            public int horizon() { return target.length; }
            public double maxStep() { return 4; }

            public double[] costs(double[][][] plans) {
                double[] c = new double[plans.length];
                for (int i = 0; i < plans.length; i++)
                    for (int t = 0; t < target.length; t++) for (int k = 0; k < 2; k++) c[i] += Math.pow(plans[i][t][k] - target[t][k], 2);
                return c;
            }
        };
    }

    @Test
    void cemMppiAndGradientDescentFindTheOptimumOfAQuadratic() {
        SplittableRandom r = new SplittableRandom(3);
        double[][] target = new double[6][2];
        for (double[] a : target) for (int k = 0; k < 2; k++) a[k] = 3.5 * (2 * r.nextDouble() - 1);
        for (Planner p : List.of(new Cem(200, 20, 12), new Mppi(500, 30, 0.1, 2.0), new GradientPlanner(400, 0.02))) {
            double[][] plan = p.plan(quadratic(target), new SplittableRandom(1));
            for (int t = 0; t < target.length; t++)
                // MPPI's mean keeps sampling noise of order σ/√(effective samples)
                for (int k = 0; k < 2; k++) assertEquals(target[t][k], plan[t][k], p instanceof Mppi ? 0.1 : 0.05, p.name() + " t=" + t);
        }
    }

    @Test
    void withTheTrueDynamicsFlatPlanningReachesTheGoal() {
        JepaConfig cfg = JepaConfig.load(null, List.of("noise.alpha=0"));
        MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TEST);
        List<Episode> eps = GoalReaching.episodes(world, cfg.world(), 1, GoalReaching.OPEN, 60);
        GoalReaching.Row cem = GoalReaching.evaluate(GoalReaching.OPEN, new Cem(200, 20, 6), new OracleModel(world), world, eps, 4, 2, 1);
        assertTrue(cem.successRate() >= 0.95, "CEM with the true dynamics: " + cem);
        GoalReaching.Row oracle = GoalReaching.oracle(GoalReaching.OPEN, world, cfg.world(), eps, 2);
        assertEquals(1.0, oracle.successRate(), 0, "the straight line reaches every open goal");
        GoalReaching.Row random = GoalReaching.random(GoalReaching.OPEN, world, eps, 4, 2, 1);
        assertTrue(random.successRate() < 0.2 && random.meanFinalPx() > 3 * cem.meanFinalPx(), "random actions: " + random + " vs " + cem);
    }

    @Test
    void theWallBlocksTheDotInTheGeneratorAndTheDoorLetsItThrough() {
        JepaConfig cfg = JepaConfig.load(null, List.of("world.kind=two-rooms", "noise.alpha=0", "world.max-step=6"));
        WorldConfig wc = cfg.world();
        MovingDotWorld world = MovingDotWorld.of(wc, cfg.noise(), Split.TRAIN);
        float[] blocked = world.step(12f, 4f, 5f, 0f), door = world.step(12f, 14f, 5f, 0f);
        assertEquals(12f, blocked[0], 0, "a wall row: the horizontal part is stopped");
        assertEquals(17f, door[0], 0, "the door's rows let the dot through");
        int crossings = 0;
        for (long id = 0; id < 400; id++) {
            float[] loc = world.paths(1, Split.TRAIN, id).locations();
            for (int t = 1; t < 17; t++) {
                float x0 = loc[(t - 1) * 2], y0 = loc[(t - 1) * 2 + 1], x1 = loc[t * 2], y1 = loc[t * 2 + 1];
                assertFalse(wc.wall().blocks(x0, y0, x1, y1), "sequence " + id + " crossed the wall at step " + t);
                if ((x0 < wc.wall().x()) != (x1 < wc.wall().x())) crossings++;
            }
        }
        assertTrue(crossings > 0, "some paths pass the door");
        // and the wall is drawn: column 14 at peak intensity outside the door
        float[] img = world.generate(1, Split.TRAIN, 0).frames();
        assertEquals(world.peak(), img[2 * 28 + 14], 1e-6, "row 2");
        assertTrue(img[14 * 28 + 14] < world.peak(), "row 14 is in the door");
        List<Episode> eps = GoalReaching.episodes(world, wc, 1, GoalReaching.WALL, 30);
        assertEquals(1.0, GoalReaching.oracle(GoalReaching.WALL, world, wc, eps, 2).successRate(), 0, "through the door");
        // flat planning with the true dynamics but a cost that only sees the end point: the wall makes local minima
        GoalReaching.Row flat = GoalReaching.evaluate(GoalReaching.WALL, new Cem(300, 30, 8), new OracleModel(world), world, eps, 6, 2, 1);
        System.out.println("wall task, CEM with the true dynamics: " + flat);
        assertTrue(flat.meanFinalPx() < GoalReaching.random(GoalReaching.WALL, world, eps, 6, 2, 1).meanFinalPx());
    }

    /** An untrained tiny network of {@code method} (w = 1, D = 8) and one open-task episode. */
    private record Tiny(JepaNetwork net, Normalization norm, Episode episode) {
        static Tiny of(String method) {
            JepaConfig cfg = JepaConfig.load(null, List.of("method.name=" + method, "method.width=1", "method.embedding=8"));
            JepaNetwork net = Methods.network(cfg.method()).build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
            MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TEST);
            Normalization norm = new Normalization(new float[]{0.05f}, new float[]{0.1f}, 2.6, 21.8, Normalization.actionScale(4));
            Episode e = GoalReaching.episodes(world, cfg.world(), 1, GoalReaching.OPEN, 1).get(0);
            return new Tiny(net, norm, e);
        }

        JepaWorldModel model(boolean summed) { return JepaWorldModel.of(net, norm, summed).orElseThrow(); }
    }

    /** A JEPA's GRU and an RSSM's belief (prior mean, ReLUs on both paths into the GRUCell) alike. */
    @ParameterizedTest
    @ValueSource(strings = {"vicreg", "rssm"})
    void theWorldModelsGradientMatchesFiniteDifferences(String method) {
        Tiny tiny = Tiny.of(method);
        int nonZero = 0;
        for (boolean summed : new boolean[]{false, true}) {
            Objective o = tiny.model(summed).toGoal(tiny.episode(), 16, 4);
            SplittableRandom r = new SplittableRandom(2);
            double[][] plan = new double[16][2], grad = new double[16][2];
            for (double[] a : plan) for (int k = 0; k < 2; k++) a[k] = 3 * (2 * r.nextDouble() - 1);
            double cost = o.costAndGradient(plan, grad);
            assertEquals(o.costs(new double[][][]{plan})[0], cost, 1e-12);
            double h = 1e-5;
            for (int t : new int[]{0, 7, 15})
                for (int k = 0; k < 2; k++) {
                    double keep = plan[t][k];
                    plan[t][k] = keep + h;
                    double up = o.costs(new double[][][]{plan})[0];
                    plan[t][k] = keep - h;
                    double down = o.costs(new double[][][]{plan})[0];
                    plan[t][k] = keep;
                    assertEquals((up - down) / (2 * h), grad[t][k], 1e-6 + 1e-4 * Math.abs(grad[t][k]), "summed " + summed + " t " + t + " c " + k);
                    if (grad[t][k] != 0) nonZero++;
                }
        }
        assertTrue(nonZero > 6, method + ": the actions move the energy (" + nonZero + " of 12 gradients non-zero)");
    }

    @Test
    void theRssmWorldModelRollsOutItsBeliefFromTheStartEncoding() {
        Tiny tiny = Tiny.of("rssm");
        JepaWorldModel model = tiny.model(false);
        Episode e = tiny.episode();
        double[][] still = new double[16][2], moving = new double[16][2];
        for (double[] a : moving) a[0] = 3;
        double[][] s = model.predictedStates(e, still), m = model.predictedStates(e, moving);
        assertEquals(17, s.length);
        assertArrayEquals(model.encode(e)[0], s[0], 0, "h_1 is the start frame's encoding");
        assertArrayEquals(s[0], m[0], 0);
        double gap = 0;
        for (int j = 0; j < 8; j++) gap += Math.abs(s[16][j] - m[16][j]);
        assertTrue(gap > 1e-6, "the actions move the belief");
        assertArrayEquals(s[16], model.predictedStates(e, still)[16], 0, "the prior's mean: a plan has one rollout");
    }
}
