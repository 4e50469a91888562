package jepa.rl;

import jepa.config.RlConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short state-based PPO run: it learns, and a seed fixes it completely. (The full run is StateSanity's main.) */
class StateSanityTest {

    private static List<String> episodes(RlConfig c, StateSanity.Summary[] summary) {
        List<String> rows = new ArrayList<>();
        summary[0] = StateSanity.run(c, false, new StateSanity.Listener() {
            @Override
            public void episode(long envStep, VectorEnv.Episode e) { rows.add(envStep + "," + e.env() + "," + e.episodeReturn()); }
        });
        return rows;
    }

    @Test
    void learnsAndIsDeterministic() {
        RlConfig c = RlConfig.load(null, List.of("ppo.total-steps=25600", "ppo.seed=7"));
        StateSanity.Summary[] s = new StateSanity.Summary[1];
        List<String> first = episodes(c, s);
        double early = 0;
        for (int i = 0; i < 20; i++) early += Double.parseDouble(first.get(i).split(",")[2]);
        early /= 20;
        System.out.printf("short run: first 20 episodes mean %.1f, last 20 mean %.1f, %d episodes, %.0f env steps/s%n",
                early, s[0].lastMean(), s[0].episodes(), s[0].stepsPerSecond());
        assertEquals(25600, s[0].envSteps());
        assertTrue(early < 40, "a random policy's episodes are short: " + early);
        assertTrue(s[0].lastMean() > 3 * early, "50 updates must lift the returns well above random: " + s[0].lastMean());
        assertEquals(first, episodes(c, new StateSanity.Summary[1]), "same seed, same run");
        assertTrue(!first.equals(episodes(RlConfig.load(null, List.of("ppo.total-steps=2048", "ppo.seed=8")), new StateSanity.Summary[1])));
    }
}
