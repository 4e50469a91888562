package jepa.world;

import jepa.settings.NoiseConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Layout, determinism and distractor behaviour of generated sequences. */
class MovingDotWorldTest {

    static MovingDotWorld.Sequence gen(MovingDotWorld w, long seed, Split split, long id) { return w.generate(seed, split, id); }

    static boolean same(MovingDotWorld.Sequence a, MovingDotWorld.Sequence b) {
        return a.seqId() == b.seqId() && Arrays.equals(a.locations(), b.locations()) && Arrays.equals(a.actions(), b.actions())
                && Arrays.equals(a.frames(), b.frames());
    }

    @Test
    void shapesFollowTheDocumentedLayout() {
        MovingDotWorld.Sequence s = gen(ReferenceWorlds.world(ReferenceWorlds.threeDots(), ReferenceWorlds.noise("uniform", "changing", 1), Split.TRAIN), 1, Split.TRAIN, 3);
        assertEquals(17 * 3 * 2, s.locations().length);
        assertEquals(16 * 2, s.actions().length);
        assertEquals(17 * 3 * 28 * 28, s.frames().length);
        assertEquals(3, s.seqId());
    }

    @Test
    void eachChannelShowsItsDotAtColumnXRowY() {
        MovingDotWorld w = new MovingDotWorld(ReferenceWorlds.threeDots(), Distractors.none());
        for (int id = 0; id < 20; id++) {
            MovingDotWorld.Sequence s = w.generate(4, Split.TEST, id);
            for (int t = 0; t < 17; t += 4)
                for (int ch = 0; ch < 3; ch++) {
                    int best = 0, off = (t * 3 + ch) * 784;
                    for (int k = 1; k < 784; k++) if (s.frames()[off + k] > s.frames()[off + best]) best = k;
                    float x = s.locations()[(t * 3 + ch) * 2], y = s.locations()[(t * 3 + ch) * 2 + 1];
                    assertEquals(Math.round(y), best / 28, "row = y");
                    assertEquals(Math.round(x), best % 28, "col = x");
                    // one exact pixel against the formula, in double
                    int i = 5, j = 17;
                    double e = Math.exp(-((j - x) * (j - x) + (i - y) * (i - y)) / (2 * 1.69)) / (2 * Math.PI * 1.69);
                    assertEquals(e, s.frames()[off + i * 28 + j], 1e-7 + 1e-5 * e);
                }
        }
    }

    @Test
    void actionsAreTheUnclampedMovesOfDotZero() {
        MovingDotWorld w = new MovingDotWorld(ReferenceWorlds.threeDots(), Distractors.none());
        int clampedSteps = 0;
        for (int id = 0; id < 200; id++) {
            MovingDotWorld.Sequence s = w.paths(8, Split.TRAIN, id);
            float[] l = s.locations(), a = s.actions();
            for (int t = 0; t < 16; t++)
                for (int c = 0; c < 2; c++) {
                    float before = l[(t * 3) * 2 + c], after = l[((t + 1) * 3) * 2 + c];
                    float expected = Math.min((float) 24.4, Math.max((float) 2.6, before + a[t * 2 + c]));
                    assertEquals(expected, after, 0f);
                    if (expected != before + a[t * 2 + c]) clampedSteps++;
                }
        }
        assertTrue(clampedSteps > 0, "some steps hit the border, and the stored action is still the unclamped one");
    }

    @Test
    void sequencesArePureFunctionsOfSeedSplitAndId() {
        NoiseConfig n = ReferenceWorlds.noise("uniform", "changing", 1);
        MovingDotWorld w = ReferenceWorlds.world(ReferenceWorlds.threeDots(), n, Split.TRAIN);
        assertTrue(same(gen(w, 7, Split.TRAIN, 42), gen(w, 7, Split.TRAIN, 42)));
        assertFalse(Arrays.equals(gen(w, 7, Split.TRAIN, 42).locations(), gen(w, 7, Split.TRAIN, 43).locations()));
        assertFalse(Arrays.equals(gen(w, 7, Split.TRAIN, 42).locations(), gen(w, 7, Split.TEST, 42).locations()));
        assertFalse(Arrays.equals(gen(w, 7, Split.TEST, 42).locations(), gen(w, 7, Split.PROBE_TRAIN, 42).locations()));
        assertFalse(Arrays.equals(gen(w, 7, Split.TRAIN, 42).locations(), gen(w, 8, Split.TRAIN, 42).locations()));
        // order of generation does not matter: forwards vs backwards, compared as the stored bytes
        byte[][] forward = new byte[10][], backward = new byte[10][];
        for (int i = 0; i < 10; i++) forward[i] = FloatBytes.toBytes(gen(w, 7, Split.TEST, i).frames());
        for (int i = 9; i >= 0; i--) backward[i] = FloatBytes.toBytes(gen(new MovingDotWorld(ReferenceWorlds.threeDots(), w.distractors()), 7, Split.TEST, i).frames());
        for (int i = 0; i < 10; i++) assertArrayEquals(forward[i], backward[i]);
        // paths() is generate() without rendering
        MovingDotWorld.Sequence full = gen(w, 7, Split.TRAIN, 5), path = w.paths(7, Split.TRAIN, 5);
        assertArrayEquals(full.locations(), path.locations());
        assertArrayEquals(full.actions(), path.actions());
        assertNull(path.frames());
    }

    @Test
    void noiseDoesNotChangeTheDotPaths() {
        MovingDotWorld clean = new MovingDotWorld(ReferenceWorlds.single(), Distractors.none());
        MovingDotWorld noisy = ReferenceWorlds.world(ReferenceWorlds.single(), ReferenceWorlds.noise("structured", "changing", 2), Split.TRAIN);
        MovingDotWorld zero = ReferenceWorlds.world(ReferenceWorlds.single(), ReferenceWorlds.noise("uniform", "changing", 0), Split.TRAIN);
        assertArrayEquals(clean.generate(3, Split.TRAIN, 9).locations(), noisy.generate(3, Split.TRAIN, 9).locations());
        assertTrue(same(clean.generate(3, Split.TRAIN, 9), zero.generate(3, Split.TRAIN, 9)), "α = 0 is no noise");
    }

    /** noise[t][ch] = frames − clean frames (same seed, no distractors). */
    static float[] noise(MovingDotWorld noisy, MovingDotWorld clean, long id) {
        float[] f = noisy.generate(1, Split.TEST, id).frames(), c = clean.generate(1, Split.TEST, id).frames();
        float[] z = new float[f.length];
        for (int k = 0; k < f.length; k++) z[k] = f[k] - c[k];
        return z;
    }

    static double maxDiff(float[] z, int offA, int offB) {
        double m = 0;
        for (int k = 0; k < 784; k++) m = Math.max(m, Math.abs(z[offA + k] - z[offB + k]));
        return m;
    }

    @Test
    void fixedNoiseRepeatsOverFramesAndChangingNoiseDoesNot() {
        MovingDotWorld clean = new MovingDotWorld(ReferenceWorlds.threeDots(), Distractors.none());
        for (String kind : new String[]{NoiseConfig.UNIFORM, NoiseConfig.STRUCTURED}) {
            MovingDotWorld fixed = ReferenceWorlds.world(ReferenceWorlds.threeDots(), ReferenceWorlds.noise(kind, "fixed", 1.5), Split.TEST);
            MovingDotWorld changing = ReferenceWorlds.world(ReferenceWorlds.threeDots(), ReferenceWorlds.noise(kind, "changing", 1.5), Split.TEST);
            double scale = 1.5 * ReferenceWorlds.PEAK;
            int pairs = 0, changed = 0;
            for (int id = 0; id < 5; id++) {
                float[] zf = noise(fixed, clean, id), zc = noise(changing, clean, id);
                for (int ch = 0; ch < 3; ch++)
                    for (int t = 1; t < 17; t++) {
                        assertEquals(0, maxDiff(zf, ch * 784, (t * 3 + ch) * 784), 1e-6, kind + " fixed: same Z every frame");
                        pairs++;
                        if (maxDiff(zc, ch * 784, (t * 3 + ch) * 784) > 0.1 * scale) changed++;
                    }
                assertTrue(maxDiff(zf, 0, 784) > 0.1 * scale, kind + ": channels draw their own noise");
                for (float v : zf) assertTrue(v >= -1e-6 && v <= scale * (1 + 1e-5), kind + " noise in [0, α·M]: " + v);
            }
            // uniform: always a new draw; structured: a new random index (the 50-image test bank repeats ~2% of the time)
            assertTrue(changed >= (kind.equals(NoiseConfig.UNIFORM) ? pairs : 0.9 * pairs), kind + " changing: " + changed + "/" + pairs);
        }
    }

    @Test
    void structuredNoiseIsAScaledImageOfTheSplitsSet() {
        NoiseConfig n = ReferenceWorlds.noise("structured", "fixed", 1);
        NoiseImages testImages = NoiseImages.open(n, Split.TEST), trainImages = NoiseImages.open(n, Split.TRAIN);
        assertSame(testImages, NoiseImages.open(n, Split.PROBE_TRAIN), "probe_train and test share the cached test set");
        assertNotSame(testImages, trainImages);
        MovingDotWorld clean = new MovingDotWorld(ReferenceWorlds.single(), Distractors.none());
        float[] z = noise(ReferenceWorlds.world(ReferenceWorlds.single(), n, Split.TEST), clean, 4);
        float[] img = new float[784];
        boolean found = false;
        for (int k = 0; k < testImages.count() && !found; k++) {
            testImages.copyTo(k, img, 0);
            double m = 0;
            for (int p = 0; p < 784; p++) m = Math.max(m, Math.abs(z[p] - ReferenceWorlds.PEAK * img[p]));
            found = m < 1e-6;
        }
        assertTrue(found, "the noise is M·(one image of the test set)");
    }

    @Test
    void uniformNoiseHasMeanHalfAndVarianceOneTwelfth() {
        float[] z = new float[100_000];
        Distractors.addUniform(z, 0, z.length, 1f, new java.util.SplittableRandom(1));
        double s = 0, q = 0;
        for (float v : z) {
            assertTrue(v >= 0 && v < 1);
            s += v;
            q += v * v;
        }
        double mean = s / z.length;
        assertEquals(0.5, mean, 0.005);
        assertEquals(1.0 / 12, q / z.length - mean * mean, 0.002);
    }
}
