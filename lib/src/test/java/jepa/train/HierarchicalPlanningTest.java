package jepa.train;

import jepa.config.JepaConfig;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.plan.GoalReaching;
import jepa.plan.HierarchicalPlanner;
import jepa.settings.ConfigError;
import jepa.world.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * planning.planners = hierarchical: validated, scored beside the flat planners for H-JEPA runs, left out for others;
 * the flat planners plan with a JEPA's GRU and with RSSM's belief alike.
 */
class HierarchicalPlanningTest {
    private static final List<String> SMALL = List.of("world.kind=two-rooms", "method.width=1", "method.embedding=8", "planning.episodes=2",
            "planning.planners=[cem,hierarchical]", "planning.samples=8", "planning.elites=2", "planning.iterations=1");

    @Test
    void hJepaRunsPlanHierarchicallyBesideFlatAndOtherRunsLeaveItOut(@TempDir Path dir) {
        for (String method : List.of("hjepa", "vicreg", "rssm")) {
            JepaConfig cfg = JepaConfig.load(null, with("method.name=" + method));
            JepaNetwork net = Methods.network(cfg.method()).build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
            Normalization norm = new Normalization(new float[]{0.05f}, new float[]{0.1f}, 2.6, 21.8, Normalization.actionScale(4));
            List<GoalReaching.Row> rows = Planning.run(cfg, net, norm, null, dir);
            List<String> planners = method.equals("hjepa") ? List.of("random", "oracle", "cem", HierarchicalPlanner.NAME)
                    : List.of("random", "oracle", "cem");
            for (String task : List.of(GoalReaching.OPEN, GoalReaching.WALL))
                assertEquals(planners, rows.stream().filter(r -> r.task().equals(task)).map(GoalReaching.Row::planner).toList(),
                        method + " " + task);
            assertTrue(rows.stream().allMatch(r -> r.episodes() == 2 && Double.isFinite(r.meanFinalPx())), method + ": " + rows);
        }
    }

    @Test
    void plannerNamesAreValidated() {
        assertEquals(List.of("cem", "hierarchical"), JepaConfig.load(null, SMALL).planning().planners());
        assertThrows(ConfigError.class, () -> JepaConfig.load(null, with("planning.planners=[cem,hierarchic]")));
    }

    private static List<String> with(String... more) {
        List<String> out = new java.util.ArrayList<>(SMALL);
        out.addAll(List.of(more));
        return out;
    }
}
