package jepa.rl;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short state-based PPO run: it learns, and a seed fixes it completely. */
class AgentRunTest {

    private static List<String> episodes(JepaConfig c, long seed, AgentRun.Summary[] summary) {
        List<String> rows = new ArrayList<>();
        summary[0] = AgentRun.run(Variant.STATE, c.cartpole(), c.ppo(), c.agent(), seed, 1, new AgentRun.Listener() {
            @Override
            public void episode(long envStep, VectorEnv.Episode e) { rows.add(envStep + "," + e.env() + "," + e.episodeReturn()); }
        });
        return rows;
    }

    @Test
    void stateAgentLearnsAndIsDeterministic() {
        JepaConfig c = JepaConfig.load(null, List.of("ppo.total-steps=25600"));
        AgentRun.Summary[] s = new AgentRun.Summary[1];
        List<String> first = episodes(c, 7, s);
        double early = 0;
        for (int i = 0; i < 20; i++) early += Double.parseDouble(first.get(i).split(",")[2]);
        early /= 20;
        System.out.printf("short run: first 20 episodes mean %.1f, last 20 mean %.1f, %d episodes, %.0f env steps/s%n",
                early, s[0].lastMean(), s[0].episodes(), s[0].stepsPerSecond());
        assertEquals(25600, s[0].envSteps());
        assertEquals(50, s[0].updates());
        assertTrue(early < 40, "a random policy's episodes are short: " + early);
        assertTrue(s[0].lastMean() > 3 * early, "50 updates must lift the returns well above random: " + s[0].lastMean());
        assertEquals(first, episodes(c, 7, new AgentRun.Summary[1]), "same seed, same run");
        assertNotEquals(first, episodes(c, 8, new AgentRun.Summary[1]));
    }
}
