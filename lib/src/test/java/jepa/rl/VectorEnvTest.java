package jepa.rl;

import jepa.world.CartPole;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorEnvTest {

    /** Start observations of environment `env`'s first `episodes` episodes, in a vector of `n`, under random actions. */
    private static List<float[]> starts(int n, int env, int episodes, long seed, long actionSeed) {
        VectorEnv v = new VectorEnv(n, 500, seed);
        SplittableRandom rng = new SplittableRandom(actionSeed);
        List<float[]> out = new ArrayList<>();
        out.add(java.util.Arrays.copyOfRange(v.observations(), env * 4, env * 4 + 4));
        while (out.size() < episodes) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) a[i] = rng.nextInt(2);
            VectorEnv.Step s = v.step(a);
            if (s.done(env)) out.add(java.util.Arrays.copyOfRange(v.observations(), env * 4, env * 4 + 4));
        }
        return out;
    }

    @Test
    void startStatesArePureFunctionsOfSeedEnvAndEpisode() {
        List<float[]> alone = starts(3, 2, 6, 11, 1), other = starts(7, 2, 6, 11, 99);     // other actions, other vector sizes
        for (int e = 0; e < 6; e++) {
            assertArrayEquals(alone.get(e), other.get(e), "episode " + e);
            float[] expected = new CartPole(500).reset(RandomStreams.episode(11, 2, e)).observation();
            assertArrayEquals(expected, alone.get(e));
        }
        assertFalse(java.util.Arrays.equals(alone.get(0), alone.get(1)), "episodes differ");
        assertFalse(java.util.Arrays.equals(starts(3, 2, 1, 11, 1).get(0), starts(3, 1, 1, 11, 1).get(0)), "environments differ");
        assertFalse(java.util.Arrays.equals(starts(3, 2, 1, 11, 1).get(0), starts(3, 2, 1, 12, 1).get(0)), "seeds differ");
    }

    @Test
    void autoResetReportsTheFinishedEpisode() {
        VectorEnv v = new VectorEnv(2, 500, 5);
        int[] right = {CartPole.RIGHT, CartPole.RIGHT};
        double[] returns = new double[2];
        CartPole shadow = new CartPole(500);
        shadow.reset(RandomStreams.episode(5, 0, 0));
        for (int step = 1; ; step++) {
            VectorEnv.Step s = v.step(right);
            CartPole.Step expected = shadow.step(CartPole.RIGHT);
            returns[0] += s.rewards()[0];
            assertEquals(expected.terminated(), s.terminated()[0]);
            assertEquals(2L * step, v.steps());
            if (s.done(0)) {
                assertArrayEquals(expected.state().observation(), java.util.Arrays.copyOfRange(s.finalObservations(), 0, 4));
                VectorEnv.Episode ep = s.episodes().stream().filter(e -> e.env() == 0).findFirst().orElseThrow();
                assertEquals(0, ep.episode());
                assertEquals(step, ep.length());
                assertEquals(returns[0], ep.episodeReturn());
                assertFalse(ep.truncated());
                float[] next = new CartPole(500).reset(RandomStreams.episode(5, 0, 1)).observation();
                assertArrayEquals(next, java.util.Arrays.copyOfRange(v.observations(), 0, 4), "already the next episode's start");
                assertTrue(step < 30, "always pushing right fails fast");
                break;
            } else {
                assertArrayEquals(expected.state().observation(), java.util.Arrays.copyOfRange(v.observations(), 0, 4));
                assertTrue(s.episodes().stream().noneMatch(e -> e.env() == 0));
            }
        }
    }

    @Test
    void truncationIsReportedAtTheLimit() {
        VectorEnv v = new VectorEnv(1, 5, 3);
        VectorEnv.Step s = null;
        for (int i = 0; i < 5; i++) {
            s = v.step(new int[] {i % 2});
            if (i < 4) assertFalse(s.done(0));
        }
        assertTrue(s.truncated()[0]);
        assertFalse(s.terminated()[0]);
        assertEquals(1, s.episodes().size());
        assertTrue(s.episodes().get(0).truncated());
        assertEquals(5.0, s.episodes().get(0).episodeReturn());
        assertNotEquals(0L, v.steps());
    }
}
