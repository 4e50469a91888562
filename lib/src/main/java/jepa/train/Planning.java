package jepa.train;

import jepa.analysis.PlanningStrip;
import jepa.config.JepaConfig;
import jepa.method.HJepa;
import jepa.method.JepaNetwork;
import jepa.method.Methods;
import jepa.plan.Cem;
import jepa.plan.Episode;
import jepa.plan.GoalReaching;
import jepa.plan.GradientPlanner;
import jepa.plan.HJepaWorldModel;
import jepa.plan.HierarchicalPlanner;
import jepa.plan.JepaWorldModel;
import jepa.plan.Mppi;
import jepa.plan.Planner;
import jepa.plan.WorldModel;
import jepa.probe.LinearProbe;
import jepa.settings.PlanningConfig;
import jepa.world.MovingDotWorld;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import jepa.world.Split;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The run protocol's planning step (planning.episodes > 0, a single-dot world, a network method with a forward model
 * driven by the actions: a JEPA's GRU or RSSM's belief): goal reaching with the trained world model on the open task and, in the two-room world, the wall task — every
 * configured planner (hierarchical for H-JEPA runs only), random actions and the oracle — and {@code planning.png} in
 * the run folder: the first planner's plans on four episodes, predicted (read out by the rollout probe) against
 * executed.
 */
public final class Planning {
    private static final Logger LOG = LoggerFactory.getLogger(Planning.class);

    private Planning() {}

    public static List<GoalReaching.Row> run(JepaConfig cfg, JepaNetwork net, Normalization norm, LinearProbe probe, Path dir) {
        PlanningConfig pc = cfg.planning();
        // a single controlled dot, and a forward model driven by the actions to plan through (a GRU, or RSSM's belief)
        if (!pc.enabled() || net == null || MovingDots.of(cfg.world()).dots() != 1) return List.of();
        boolean summed = pc.energy().equals(PlanningConfig.SUMMED);
        Optional<JepaWorldModel> oneLevel = JepaWorldModel.of(net, norm, summed);
        if (oneLevel.isEmpty()) return List.of();
        MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TEST);
        // an H-JEPA run is one two-level model for every planner: the flat ones minimise its level-1 energy (the
        // JEPA model's), the hierarchical one plans through both levels, so flat and hierarchical share the model
        HJepaWorldModel twoLevel = Methods.create(cfg.method()) instanceof HJepa h ? new HJepaWorldModel(net, h, norm, summed) : null;
        JepaWorldModel flat = twoLevel != null ? twoLevel.levelOne() : oneLevel.get();
        WorldModel model = twoLevel != null ? twoLevel : flat;
        if (twoLevel == null && pc.planners().contains(PlanningConfig.HIERARCHICAL))
            LOG.info("planning: method {} has a single level, planner hierarchical left out (it plans with H-JEPA's two levels)",
                    cfg.method().name());
        List<Planner> planners = planners(pc, twoLevel != null);
        double maxStep = cfg.world().maxStep(), radius = pc.radius();
        List<GoalReaching.Row> rows = new ArrayList<>();
        List<String> tasks = world.walled() ? List.of(GoalReaching.OPEN, GoalReaching.WALL) : List.of(GoalReaching.OPEN);
        for (String task : tasks) {
            List<Episode> eps = GoalReaching.episodes(world, cfg.world(), cfg.dataset().seed() + pc.seed(), task, pc.episodes());
            rows.add(GoalReaching.random(task, world, eps, maxStep, radius, pc.seed()));
            rows.add(GoalReaching.oracle(task, world, cfg.world(), eps, radius));
            for (Planner p : planners) rows.add(GoalReaching.evaluate(task, p, model, world, eps, maxStep, radius, pc.seed()));
            if (task.equals(tasks.get(0)) && probe != null && !planners.isEmpty())
                strip(world, model, flat, planners.get(0), eps.subList(0, Math.min(4, eps.size())), norm, probe, maxStep, radius, pc.seed(),
                        dir.resolve("planning.png"));
        }
        return rows;
    }

    /** The configured planners, in order; hierarchical only for a two-level model. */
    static List<Planner> planners(PlanningConfig pc, boolean twoLevel) {
        List<Planner> out = new ArrayList<>();
        for (String name : pc.planners()) {
            if (name.equals(PlanningConfig.HIERARCHICAL) && !twoLevel) continue;
            out.add(switch (name) {
                case PlanningConfig.CEM -> cem(pc);
                case PlanningConfig.MPPI -> new Mppi(pc.samples(), pc.iterations(), pc.mppiNoise(), pc.mppiTemperature());
                // CEM at both levels, with the flat CEM's settings: level 1 then rolls out as many steps as flat CEM
                case PlanningConfig.HIERARCHICAL -> new HierarchicalPlanner(cem(pc), cem(pc));
                default -> new GradientPlanner(pc.gradientSteps(), pc.gradientLr());
            });
        }
        return out;
    }

    private static Cem cem(PlanningConfig pc) { return new Cem(pc.samples(), pc.elites(), pc.iterations()); }

    /** Plans in {@code model}; the predicted path drawn is level 1's ({@code flat}) rollout of the plan. */
    private static void strip(MovingDotWorld world, WorldModel model, JepaWorldModel flat, Planner planner, List<Episode> eps,
                              Normalization norm, LinearProbe probe, double maxStep, double radius, long seed, Path png) {
        List<PlanningStrip.Panel> panels = new ArrayList<>();
        for (int i = 0; i < eps.size(); i++) {
            Episode e = eps.get(i);
            double[][] plan = planner.plan(model.toGoal(e, GoalReaching.HORIZON, maxStep), new SplittableRandom(seed * 1_000_003L + i));
            double[][] states = flat.predictedStates(e, plan);                       // [17][D]
            INDArray loc = probe.predict(Nd4j.create(states));                         // [17, 2] normalised
            double[][] predicted = new double[states.length][2], executed = new double[plan.length + 1][];
            for (int t = 0; t < states.length; t++)
                for (int c = 0; c < 2; c++) predicted[t][c] = norm.unnormalizeLocation(loc.getDouble(t, c));
            float x = e.start()[0], y = e.start()[1];
            executed[0] = new double[]{x, y};
            for (int t = 0; t < plan.length; t++) {
                float[] next = world.step(x, y, (float) plan[t][0], (float) plan[t][1]);
                x = next[0];
                y = next[1];
                executed[t + 1] = new double[]{x, y};
            }
            float[] frame = java.util.Arrays.copyOfRange(e.frames(), 0, 28 * 28);
            panels.add(new PlanningStrip.Panel(frame, predicted, executed, e.goal(), radius));
        }
        PlanningStrip.write(panels, png);
    }
}
