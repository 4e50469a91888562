package jepa.world;

import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The generator's statistics against the reference's numbers (reference §1.7, reference §5.4, reference §7). */
class MovingDotWorldStatisticsTest {
    static final int N = 20_000;

    /** √(mean over sequences, t, coords of (c − 13.5)²)/21.8 for dot d: the paper's Center baseline. */
    static double centerRmse(MovingDotWorld world, int d) {
        int dots = MovingDots.of(world.world()).dots(), frames = world.world().frames();
        double sq = 0;
        long n = 0;
        for (int i = 0; i < N; i++) {
            float[] loc = world.paths(11, Split.TEST, i).locations();
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < 2; c++) {
                    double e = loc[(t * dots + d) * 2 + c] - 13.5;
                    sq += e * e;
                    n++;
                }
        }
        return Math.sqrt(sq / n) / 21.8;
    }

    @Test
    void centerBaselineMatchesTable1ForTheSingleDot() {
        double rmse = centerRmse(new MovingDotWorld(ReferenceWorlds.single(), Distractors.none()), 0);
        assertEquals(0.3041, rmse, 0.004, "moving dot Center RMSE");
    }

    @Test
    void centerBaselineMatchesTable1ForTheThreeDotWorld() {
        MovingDotWorld w = new MovingDotWorld(ReferenceWorlds.threeDots(), Distractors.none());
        assertEquals(0.3041, centerRmse(w, 0), 0.004, "controlled dot");
        assertEquals(0.3040, centerRmse(w, 1), 0.004, "random dot");
        assertEquals(0.2886, centerRmse(w, 2), 0.004, "stationary dot (√(1/12) = 0.2887)");
    }

    @Test
    void locationsStayInTheAllowedRangeAndStepsAverageHalfTheMaxStep() {
        MovingDotWorld w = new MovingDotWorld(ReferenceWorlds.threeDots(), Distractors.none());
        double stepSum = 0;
        long steps = 0;
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (int i = 0; i < N; i++) {
            MovingDotWorld.Sequence s = w.paths(5, Split.TRAIN, i);
            for (float v : s.locations()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float[] a = s.actions();
            assertEquals(32, a.length);
            for (int t = 0; t < 16; t++) {
                stepSum += Math.hypot(a[2 * t], a[2 * t + 1]);
                steps++;
            }
            float[] l = s.locations(); // stationary dot (d = 2) never moves
            for (int t = 1; t < 17; t++) {
                assertEquals(l[4], l[(t * 3 + 2) * 2]);
                assertEquals(l[5], l[(t * 3 + 2) * 2 + 1]);
            }
        }
        assertTrue(lo >= (float) 2.6 && hi <= (float) 24.4, "range [" + lo + ", " + hi + "]");
        assertTrue(lo < 2.7 && hi > 24.3, "clamping reaches the borders: [" + lo + ", " + hi + "]");
        assertEquals(2.0, stepSum / steps, 0.05, "mean unclamped step length = maxStep/2");
    }

    @Test
    void cleanFramePeakIsTheAnalyticPdfPeak() {
        MovingDotWorld w = new MovingDotWorld(ReferenceWorlds.single(), Distractors.none());
        assertEquals(0.094175, w.peak(), 1e-6);
        float max = 0;
        for (int i = 0; i < 200; i++) {
            MovingDotWorld.Sequence s = w.generate(2, Split.TRAIN, i);
            for (int t = 0; t < 17; t++) {
                float frameMax = 0;
                for (int k = 0; k < 784; k++) frameMax = Math.max(frameMax, s.frames()[t * 784 + k]);
                // the nearest pixel is ≤ 0.5 px away in x and in y: ≥ peak·exp(−0.5/(2σ²)) = 0.862·peak
                assertTrue(frameMax >= 0.862 * ReferenceWorlds.PEAK, "frame max " + frameMax);
                max = Math.max(max, frameMax);
            }
        }
        assertTrue(max <= ReferenceWorlds.PEAK * (1 + 1e-6), "max " + max);
        assertTrue(max > 0.9 * ReferenceWorlds.PEAK, "max " + max);
    }

    /** reference §1.7: n_mean, n_std as average over batches of per-batch mean / unbiased std. */
    static Normalization estimate(WorldConfig wc, NoiseConfig n, int batches, int batchSize) {
        MovingDotWorld w = ReferenceWorlds.world(wc, n, Split.TRAIN);
        List<ImageMoments> list = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            ImageMoments m = new ImageMoments(MovingDots.of(wc).dots());
            for (int i = 0; i < batchSize; i++) m.add(w.generate(9, Split.TRAIN, (long) b * batchSize + i).frames(), 784);
            list.add(m);
        }
        return Normalization.estimate(list, wc);
    }

    @Test
    void normalisationMatchesTheReferenceTable() {
        Normalization u1 = estimate(ReferenceWorlds.single(), ReferenceWorlds.noise("uniform", "changing", 1), 16, 64);
        assertEquals(0.0484, u1.imageMean()[0], 0.03 * 0.0484);
        assertEquals(0.0282, u1.imageStd()[0], 0.03 * 0.0282);
        Normalization f1 = estimate(ReferenceWorlds.single(), ReferenceWorlds.noise("uniform", "fixed", 1), 16, 64);
        assertEquals(0.0484, f1.imageMean()[0], 0.03 * 0.0484, "fixed noise gives the same values");
        assertEquals(0.0282, f1.imageStd()[0], 0.03 * 0.0282);
        Normalization none = estimate(ReferenceWorlds.single(), ReferenceWorlds.noise("uniform", "changing", 0), 16, 64);
        assertEquals(0.00127, none.imageMean()[0], 0.03 * 0.00127);
        assertEquals(0.00764, none.imageStd()[0], 0.03 * 0.00764);
        Normalization u2 = estimate(ReferenceWorlds.single(), ReferenceWorlds.noise("uniform", "changing", 2), 8, 64);
        assertEquals(0.0955, u2.imageMean()[0], 0.03 * 0.0955);
        assertEquals(0.0549, u2.imageStd()[0], 0.03 * 0.0549);
        assertEquals(1.6408001, u1.actionScale(), 1e-9);
        // three dots: every channel has the same statistics (the stationary dot is uniform in space too)
        Normalization three = estimate(ReferenceWorlds.threeDots(), ReferenceWorlds.noise("uniform", "changing", 1), 8, 32);
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(0.0484, three.imageMean()[ch], 0.03 * 0.0484, "channel " + ch);
            assertEquals(0.0282, three.imageStd()[ch], 0.03 * 0.0282, "channel " + ch);
        }
    }
}
