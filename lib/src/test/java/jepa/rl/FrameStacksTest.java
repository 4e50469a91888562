package jepa.rl;

import jepa.config.JepaConfig;
import jepa.settings.CartPoleConfig;
import jepa.world.CartPoleWorld;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** x = f_{t−2..t} (an episode's first frame fills the stack), y = f_{t−1..t+1}; the input standardisation. */
class FrameStacksTest {

    private static byte[] frame(int v) { return new byte[]{(byte) v, (byte) (v + 1)}; }

    @Test
    void stacksAndTargets() {
        FrameStacks f = new FrameStacks(1, 3, 2, FrameNormalization.raw());
        f.start(0, frame(10));
        f.record(0);
        f.next(0, frame(20));
        f.push(0, frame(20));
        f.record(1);
        f.next(1, frame(30));                  // the episode ends here: its final frame, then a new episode starts
        f.start(0, frame(40));
        f.record(2);
        float[] x = new float[6], y = new float[6];
        f.x(0, x, 0);
        assertArrayEquals(floats(10, 10, 10), x, "the first frame fills the stack");
        f.y(0, y, 0);
        assertArrayEquals(floats(10, 10, 20), y);
        f.x(1, x, 0);
        assertArrayEquals(floats(10, 10, 20), x);
        f.y(1, y, 0);
        assertArrayEquals(floats(10, 20, 30), y, "y of the ending step holds the final frame");
        f.x(2, x, 0);
        assertArrayEquals(floats(40, 40, 40), x, "a new episode's stack holds none of the old one");
        float[] cur = new float[6];
        f.current(0, cur, 0);
        assertArrayEquals(floats(40, 40, 40), cur);
    }

    private static float[] floats(int... frames) {
        float[] out = new float[2 * frames.length];
        for (int i = 0; i < frames.length; i++) {
            out[2 * i] = frames[i] / 255f;
            out[2 * i + 1] = (frames[i] + 1) / 255f;
        }
        return out;
    }

    @Test
    void standardisationCentresTheDatasetAndZeroesTheBackground() {
        CartPoleConfig c = JepaConfig.load(null, List.of("cartpole.frame-width=32", "cartpole.frame-height=32", "cartpole.episodes=20")).cartpole();
        FrameNormalization n = FrameNormalization.standardised(c, 3);
        int size = c.frameSize();
        double[] mean = new double[size];
        int frames = 0;
        float[] v = new float[size];
        for (long e = 0; e < 20; e++)
            for (CartPoleWorld.Step s : CartPoleWorld.randomEpisode(c, 3, e)) {
                n.apply(s.frame(), 0, v, 0, size, size);
                for (int p = 0; p < size; p++) mean[p] += v[p];
                frames++;
            }
        int background = 0;
        for (int p = 0; p < size; p++) {
            assertEquals(0, mean[p] / frames, 1e-4, "pixel " + p);
            if (v[p] == 0) background++;
        }
        assertTrue(background > size / 2, "most of a frame is background, 0 after standardisation: " + background);
        float[] again = new float[size];
        FrameNormalization.standardised(c, 3).apply(CartPoleWorld.randomEpisode(c, 3, 0).get(0).frame(), 0, again, 0, size, size);
        n.apply(CartPoleWorld.randomEpisode(c, 3, 0).get(0).frame(), 0, v, 0, size, size);
        assertArrayEquals(v, again, "a pure function of the dataset's seed");
    }
}
