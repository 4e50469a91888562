package jepa.world;

import com.typesafe.config.ConfigFactory;
import jepa.settings.ConfigError;
import jepa.settings.CountingConfig;
import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Rendering, dynamics, rewards, episode ends and determinism of the counting world. */
class CountingWorldTest {

    /** The default config with HOCON overrides such as {@code "radius = 4"} inside the counting block. */
    static CountingConfig config(String... overrides) {
        String text = "counting { " + String.join("\n", overrides) + " }";
        return CountingConfig.from(ConfigFactory.parseString(text).withFallback(JepaConfig.defaults()).resolve());
    }

    static CountingWorld world(String... overrides) { return new CountingWorld(config(overrides)); }

    /** Connected components (8-neighbourhood) of non-black pixels, each checked to be one colour and one object. */
    static int objects(byte[] frame, int side, int[] colour, CountingShape shape, int r) {
        int plane = side * side;
        boolean[] seen = new boolean[plane];
        int components = 0, expectedPixels = 0;
        for (int dy = -r; dy <= r; dy++) for (int dx = -r; dx <= r; dx++) if (shape.covers(dx, dy, r)) expectedPixels++;
        for (int p = 0; p < plane; p++) {
            if (seen[p] || black(frame, plane, p)) continue;
            components++;
            int pixels = 0, minX = side, maxX = -1, minY = side, maxY = -1;
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(p));
            seen[p] = true;
            while (!queue.isEmpty()) {
                int q = queue.poll(), x = q % side, y = q / side;
                pixels++;
                minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
                for (int c = 0; c < 3; c++) assertEquals(colour[c], frame[c * plane + q] & 0xFF, "object pixels have the episode's colour");
                for (int ny = y - 1; ny <= y + 1; ny++)
                    for (int nx = x - 1; nx <= x + 1; nx++) {
                        if (nx < 0 || ny < 0 || nx >= side || ny >= side) continue;
                        int n = ny * side + nx;
                        if (!seen[n] && !black(frame, plane, n)) { seen[n] = true; queue.add(n); }
                    }
            }
            assertEquals(expectedPixels, pixels, "a component is exactly one " + shape.id());
            assertTrue(maxX - minX <= 2 * r && maxY - minY <= 2 * r, "a component fits one object's box");
        }
        return components;
    }

    private static boolean black(byte[] f, int plane, int p) { return f[p] == 0 && f[plane + p] == 0 && f[2 * plane + p] == 0; }

    @Test
    void renderedObjectsAreTheCountForEveryShape() {
        for (String shape : CountingConfig.SHAPES) {
            CountingWorld w = world("shapes = [\"" + shape + "\"]", "episode-length = 12", "end-on-success = false");
            int[] seenCounts = new int[9];
            for (long id = 0; id < 150; id++) {
                CountingWorld.Episode e = w.episode(11, Split.TRAIN, id);
                assertEquals(shape, e.shape());
                for (CountingWorld.Step s : e.steps()) {
                    assertEquals(s.count(), objects(s.frame(), 64, s.colour(), CountingShape.of(shape), 3), shape + " count");
                    seenCounts[s.count()]++;
                }
            }
            for (int k = 0; k <= 8; k++) assertTrue(seenCounts[k] > 0, shape + ": count " + k + " occurs");
        }
    }

    @Test
    void crowdedFramesFallBackToFreeCentresAndStayCountable() {
        // radius 4 with a single random try per object: the uniform-over-free-centres fallback places most objects
        CountingWorld w = world("radius = 4", "placement-tries = 1");
        SplittableRandom rng = new SplittableRandom(3);
        for (CountingShape shape : CountingShape.values())
            for (int i = 0; i < 200; i++) {
                int[] colour = {30 + rng.nextInt(196), 30 + rng.nextInt(196), 30 + rng.nextInt(196)};
                assertEquals(8, objects(w.render(8, shape, colour, rng), 64, colour, shape, 4));
            }
    }

    @Test
    void radiusTooLargeForEightObjectsIsAConfigError() {
        String m = assertThrows(ConfigError.class, () -> config("radius = 5")).getMessage();
        assertTrue(m.contains("counting.radius"), m);
        assertTrue(assertThrows(ConfigError.class, () -> config("target = 9")).getMessage().contains("counting.target"));
        assertTrue(assertThrows(ConfigError.class, () -> config("shapes = [\"star\"]")).getMessage().contains("counting.shapes"));
        assertTrue(assertThrows(ConfigError.class, () -> config("colour-min = 0")).getMessage().contains("counting.colour-min"));
        assertTrue(assertThrows(ConfigError.class, () -> config("no-op-threshold = 1.5")).getMessage().contains("counting.no-op-threshold"));
    }

    @Test
    void defaultsAreThePapersWorld() {
        CountingConfig c = JepaConfig.load(null, List.of()).counting();
        assertEquals(64, c.imageSize());
        assertEquals(8, c.maxCount());
        assertEquals(4, c.target());
        assertEquals(4, c.actionRepeat());
        assertEquals(1, c.graceSteps());
        assertEquals(CountingConfig.SHAPES, c.shapes());
        assertFalse(c.threeWay());
        // the counting block is part of the shipped defaults, so the command line may override its keys
        assertEquals("3", JepaConfig.load(null, List.of("counting.radius=3")).valueOf("counting.radius"));
    }

    @Test
    void countZeroIsAllBlackAndOtherCountsAreNot() {
        CountingWorld w = world("episode-length = 10", "end-on-success = false");
        int zeros = 0;
        for (long id = 0; id < 300; id++)
            for (CountingWorld.Step s : w.episode(5, Split.TRAIN, id).steps()) {
                boolean allBlack = true;
                for (byte b : s.frame()) if (b != 0) { allBlack = false; break; }
                assertEquals(s.count() == 0, allBlack, "count " + s.count());
                if (s.count() == 0) zeros++;
            }
        assertTrue(zeros > 50, "count 0 occurs often enough to test: " + zeros);
    }

    @Test
    void rewardIsOneExactlyAtTheTargetAndTheGraceStepFollowsTheFirstSuccess() {
        CountingWorld w = world("episode-length = 12");
        int successes = 0;
        for (long id = 0; id < 2000; id++) {
            List<CountingWorld.Step> steps = w.episode(7, Split.TRAIN, id).steps();
            int first = -1;
            for (int t = 0; t < steps.size(); t++) {
                CountingWorld.Step s = steps.get(t);
                assertEquals(t, s.step());
                assertEquals(s.count() == 4 ? 1f : 0f, s.reward());
                if (s.reward() == 1f && first < 0) first = t;
                assertEquals(t < steps.size() - 1, s.hasTransition(), "only the last row has no action");
            }
            if (first >= 0 && first < 12) {
                successes++;
                assertEquals(first + 2, steps.size(), "one action from the first success frame, then its successor ends the episode");
                assertEquals(1f, steps.get(first).reward());
                assertTrue(steps.get(first).hasTransition(), "the success frame is the source of a transition");
            } else {
                assertEquals(13, steps.size(), "no success before the length limit: 12 actions, 13 observations");
            }
        }
        assertTrue(successes > 500, "successes: " + successes);
    }

    @Test
    void withoutGraceTheSuccessFrameEndsTheEpisodeAndWithoutEndingOnSuccessItRunsFull() {
        CountingWorld noGrace = world("episode-length = 12", "grace-steps = 0"), full = world("episode-length = 12", "end-on-success = false");
        for (long id = 0; id < 500; id++) {
            List<CountingWorld.Step> s = noGrace.episode(2, Split.TRAIN, id).steps();
            CountingWorld.Step last = s.get(s.size() - 1);
            for (int t = 0; t < s.size() - 1; t++) assertEquals(0f, s.get(t).reward(), "no success before the end");
            assertTrue(last.reward() == 1f || s.size() == 13);
            assertEquals(13, full.episode(2, Split.TRAIN, id).steps().size());
        }
    }

    @Test
    void actionSignMovesTheCountByOneClampedAndActionsRepeat() {
        CountingWorld w = world("episode-length = 40", "end-on-success = false");
        int clampedLow = 0, clampedHigh = 0;
        for (long id = 0; id < 300; id++) {
            List<CountingWorld.Step> steps = w.episode(9, Split.TRAIN, id).steps();
            for (int t = 0; t < steps.size() - 1; t++) {
                CountingWorld.Step s = steps.get(t);
                assertTrue(s.action() >= -1f && s.action() <= 1f);
                int expected = Math.max(0, Math.min(8, s.count() + (s.action() < 0 ? -1 : 1)));
                assertEquals(expected, s.nextCount());
                assertEquals(s.nextCount(), steps.get(t + 1).count(), "the next row is the successor");
                if (t % 4 != 0) assertEquals(steps.get(t - 1).action(), s.action(), "each action is repeated 4 steps");
                if (s.count() == 0 && s.action() < 0) clampedLow++;
                if (s.count() == 8 && s.action() >= 0) clampedHigh++;
            }
        }
        assertTrue(clampedLow > 20 && clampedHigh > 20, "clamping is exercised: " + clampedLow + ", " + clampedHigh);
        assertEquals(0, w.next(0, -0.5f));
        assertEquals(8, w.next(8, 0.9f));
        assertEquals(5, w.next(4, 0f), "a = 0 adds (only the sign counts)");
        assertEquals(3, w.next(4, -0.1f));
    }

    @Test
    void threeWayActionsHaveANoOpBand() {
        CountingWorld w = world("three-way = true", "episode-length = 20", "end-on-success = false");
        assertEquals(0, w.effect(0.33f));
        assertEquals(0, w.effect(-0.33f));
        assertEquals(1, w.effect(0.34f));
        assertEquals(-1, w.effect(-0.34f));
        assertEquals(4, w.next(4, 0.2f));
        int noOps = 0;
        for (long id = 0; id < 200; id++)
            for (CountingWorld.Step s : w.episode(4, Split.TRAIN, id).steps()) {
                if (!s.hasTransition()) continue;
                if (Math.abs(s.action()) < 1 / 3.0) { assertEquals(s.count(), s.nextCount()); noOps++; }
                else assertEquals(Math.max(0, Math.min(8, s.count() + (s.action() < 0 ? -1 : 1))), s.nextCount());
            }
        assertTrue(noOps > 100, "no-ops: " + noOps);
    }

    @Test
    void keepFrameOnNoOpReusesTheFrameElseNewPositionsAreDrawn() {
        CountingWorld keep = world("three-way = true", "keep-frame-on-no-op = true", "episode-length = 20", "end-on-success = false");
        CountingWorld redraw = world("three-way = true", "episode-length = 20", "end-on-success = false");
        int kept = 0, moved = 0;
        for (long id = 0; id < 100; id++) {
            List<CountingWorld.Step> a = keep.episode(1, Split.TRAIN, id).steps(), b = redraw.episode(1, Split.TRAIN, id).steps();
            for (int t = 0; t < a.size() - 1; t++) {
                if (a.get(t).count() != a.get(t).nextCount() || a.get(t).count() == 0) continue;
                if (keep.effect(a.get(t).action()) != 0) continue;
                assertArrayEquals(a.get(t).frame(), a.get(t + 1).frame());
                kept++;
                if (!Arrays.equals(b.get(t).frame(), b.get(t + 1).frame())) moved++;
            }
        }
        assertTrue(kept > 20);
        assertEquals(kept, moved, "by default positions are redrawn at every step");
    }

    @Test
    void anEpisodeIsAPureFunctionOfSeedSplitAndId() {
        CountingWorld w = world();
        CountingWorld.Episode first = w.episode(42, Split.TRAIN, 17);
        for (long id = 100; id > 0; id -= 7) w.episode(42, Split.TRAIN, id);       // other episodes in another order in between
        CountingWorld.Episode again = new CountingWorld(config()).episode(42, Split.TRAIN, 17);
        assertEquals(first.steps().size(), again.steps().size());
        for (int t = 0; t < first.steps().size(); t++) {
            CountingWorld.Step a = first.steps().get(t), b = again.steps().get(t);
            assertArrayEquals(a.frame(), b.frame());
            assertEquals(a.count(), b.count());
            assertEquals(Float.floatToRawIntBits(a.action()), Float.floatToRawIntBits(b.action()));
            assertEquals(a.nextCount(), b.nextCount());
            assertArrayEquals(a.colour(), b.colour());
            assertEquals(a.shape(), b.shape());
        }
        CountingWorld.Episode counts = w.counts(42, Split.TRAIN, 17);
        for (int t = 0; t < first.steps().size(); t++) {
            assertNull(counts.steps().get(t).frame());
            assertEquals(first.steps().get(t).count(), counts.steps().get(t).count(), "counts() gives episode() without frames");
            assertEquals(first.steps().get(t).action(), counts.steps().get(t).action());
        }
        assertFalse(Arrays.equals(w.episode(42, Split.TRAIN, 18).steps().get(0).frame(), first.steps().get(0).frame())
                && Arrays.equals(w.episode(43, Split.TRAIN, 17).steps().get(0).frame(), first.steps().get(0).frame()), "seed and id both matter");
        assertFalse(Arrays.equals(w.episode(42, Split.TEST, 17).colour(), first.colour()), "the split matters too");
    }

    @Test
    void episodeDrawsAreSpreadAndColoursInRange() {
        CountingWorld w = world();
        int[] starts = new int[9], shapes = new int[4];
        for (long id = 0; id < 9000; id++) {
            CountingWorld.Episode e = w.counts(3, Split.TRAIN, id);
            starts[e.steps().get(0).count()]++;
            shapes[CountingShape.of(e.shape()).ordinal()]++;
            for (int c : e.colour()) assertTrue(c >= 30 && c < 226, "colour " + c);
            for (CountingWorld.Step s : e.steps()) {
                assertSame(e.colour(), s.colour());
                assertEquals(e.shape(), s.shape());
            }
        }
        for (int n : starts) assertEquals(1000, n, 150, "start counts uniform: " + Arrays.toString(starts));
        for (int n : shapes) assertEquals(2250, n, 250, "shapes uniform: " + Arrays.toString(shapes));
    }

    @Test
    void encoderInputIsPixelsScaledToPlusMinusHalf() {
        float[] x = CountingWorld.toEncoderInput(new byte[]{0, (byte) 255, (byte) 128, 30});
        assertEquals(-0.5f, x[0]);
        assertEquals(0.5f, x[1]);
        assertEquals(128 / 255f - 0.5f, x[2]);
        assertEquals(30 / 255f - 0.5f, x[3]);
    }
}
