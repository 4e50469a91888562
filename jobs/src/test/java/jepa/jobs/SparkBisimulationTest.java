package jepa.jobs;

import jepa.analysis.Bisimulation;
import jepa.analysis.Transitions;
import jepa.config.JepaConfig;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R* as a Spark job certifies exactly the pairs the single-node solver certifies. */
class SparkBisimulationTest extends SparkTest {
    @Test
    void sameCertifiedPairsAsOneNode() {
        JepaConfig cfg = JepaConfig.load(null, List.of("world.kind=counting", "method.name=pjepa-reward"));
        CountingWorld world = new CountingWorld(cfg.counting());
        List<CountingWorld.Episode> eps = new ArrayList<>();
        for (long e = 0; e < 80; e++) eps.add(world.counts(3, Split.TRAIN, e));
        Transitions d = Transitions.of(world, eps);
        Bisimulation.Result local = Bisimulation.solve(d);
        assertTrue(local.rounds() > 2, "pairs certified beyond the reward: " + local.rounds() + " rounds");
        assertEquals(local.certifiedPairs(), SparkBisimulation.certifiedPairs(spark, d));
        // the count quotient too: every pair of distinct counts
        assertEquals(36, SparkBisimulation.certifiedPairs(spark, Transitions.countQuotient(cfg.counting())));
    }
}
