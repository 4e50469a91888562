package jepa.world;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Normalisation formulas (reference §1.7) and the per-batch moment estimate, against hand computations. */
class NormalizationTest {

    @Test
    void locationAndActionFormulas() {
        Normalization n = new Normalization(new float[]{0.05f}, new float[]{0.03f}, 2.6, 21.8, Normalization.actionScale(4));
        assertEquals(0, n.normalizeLocation(13.5), 1e-12, "the image centre is 0");
        assertEquals(-Math.sqrt(3), n.normalizeLocation(2.6), 1e-12, "range ends map to ±√3 (unit variance)");
        assertEquals(Math.sqrt(3), n.normalizeLocation(24.4), 1e-12);
        assertEquals(7.3, n.unnormalizeLocation(n.normalizeLocation(7.3)), 1e-12);
        assertEquals(1.6408001, n.actionScale(), 1e-12);
        assertEquals(1.0, n.normalizeAction(1.6408001), 1e-12);
        assertEquals(39.603, n.unnormalizeMse(1), 1e-3, "MSE_px = MSE_norm·(√(1/12)·21.8)²");
        float[] f = n.normalizeFrames(new float[]{0.05f, 0.08f}, 1);
        assertEquals(0, f[0], 1e-6);
        assertEquals(1, f[1], 1e-5);
        assertEquals(1e-7, Normalization.actionScale(0), 0, "stationary dot: division by 1e-7 of zero actions");
    }

    @Test
    void momentsGiveMeanAndUnbiasedStd() {
        // 2 frames × 2 channels × 2 pixels: ch0 = {1, 2, 3, 4}, ch1 = {10, 10, 20, 20}
        ImageMoments m = new ImageMoments(2).add(new float[]{1, 2, 10, 10, 3, 4, 20, 20}, 2);
        assertEquals(4, m.count(0));
        assertEquals(2.5, m.mean(0), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), m.unbiasedStd(0), 1e-12);
        assertEquals(15, m.mean(1), 1e-12);
        assertEquals(Math.sqrt(100.0 / 3), m.unbiasedStd(1), 1e-12);
        // merging two halves of a batch = accumulating it at once
        ImageMoments a = new ImageMoments(2).add(new float[]{1, 2, 10, 10}, 2), b = new ImageMoments(2).add(new float[]{3, 4, 20, 20}, 2);
        a.merge(b);
        assertEquals(m.mean(0), a.mean(0), 1e-12);
        assertEquals(m.unbiasedStd(1), a.unbiasedStd(1), 1e-12);
    }

    @Test
    void estimateAveragesPerBatchMeansAndStds() throws Exception {
        ImageMoments b1 = new ImageMoments(1).add(new float[]{0, 2}, 2);       // mean 1, std √2
        ImageMoments b2 = new ImageMoments(1).add(new float[]{4, 4, 4, 8}, 4); // mean 5, std 2
        Normalization n = Normalization.estimate(List.of(b1, b2), ReferenceWorlds.single());
        assertEquals(3, n.imageMean()[0], 1e-6, "(1 + 5)/2, not the pooled mean 22/6");
        assertEquals((Math.sqrt(2) + 2) / 2, n.imageStd()[0], 1e-6);
        assertEquals(2.6, n.clampMin(), 1e-12);
        assertEquals(21.8, n.range(), 1e-12);
        // Serializable: Spark ships it to executors
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(n);
            out.writeObject(b2);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(n, in.readObject());
            assertEquals(5, ((ImageMoments) in.readObject()).mean(0), 1e-12);
        }
    }

    @Test
    void floatBytesAreLittleEndianAndRoundTrip() {
        byte[] b = FloatBytes.toBytes(new float[]{1f, -2.5f});
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0}, b);
        float[] x = {0.094175f, Float.MIN_VALUE, -0f, 1e30f};
        assertArrayEquals(x, FloatBytes.toFloats(FloatBytes.toBytes(x)));
        assertThrows(IllegalArgumentException.class, () -> FloatBytes.toFloats(new byte[3]));
    }

    @Test
    void splitsAndSeeds() {
        assertEquals("probe_train", Split.PROBE_TRAIN.id());
        assertEquals(Split.TEST, Split.of("test"));
        assertFalse(Split.TRAIN.usesTestImages());
        assertTrue(Split.PROBE_TRAIN.usesTestImages() && Split.TEST.usesTestImages());
        // streams: equal inputs → equal draws; any differing input → different draws
        assertEquals(SequenceSeed.stream(1, Split.TRAIN, 5).nextLong(), SequenceSeed.stream(1, Split.TRAIN, 5).nextLong());
        long base = SequenceSeed.stream(1, Split.TRAIN, 5).nextLong();
        assertNotEquals(base, SequenceSeed.stream(1, Split.TRAIN, 6).nextLong());
        assertNotEquals(base, SequenceSeed.stream(2, Split.TRAIN, 5).nextLong());
        assertNotEquals(base, SequenceSeed.stream(1, Split.TEST, 5).nextLong());
        // consecutive ids give uncorrelated first draws (≈ half the bits differ)
        long flips = 0;
        for (long id = 0; id < 1000; id++)
            flips += Long.bitCount(SequenceSeed.stream(1, Split.TRAIN, id).nextLong() ^ SequenceSeed.stream(1, Split.TRAIN, id + 1).nextLong());
        assertEquals(32, flips / 1000.0, 1);
    }
}
