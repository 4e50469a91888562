package jepa.world;

import jepa.settings.NoiseConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** CIFAR-10 and Fashion-MNIST readers on tiny files written here, and the built-in 1/f bank. */
class NoiseImagesTest {
    @TempDir Path dir;

    /** Gray pattern for record 1: R = G = B = v, so L = v exactly (299 + 587 + 114 = 1000). */
    static int pattern(int i, int j) { return (i * 7 + j * 3) % 256; }

    /** Three CIFAR records: constant red; a gray pattern with 255 outside the crop; hand-checked roundings. */
    static byte[] cifarRecords() {
        byte[] b = new byte[3 * 3073];
        int r0 = 0, r1 = 3073, r2 = 2 * 3073;
        b[r0] = 6;
        for (int p = 0; p < 1024; p++) b[r0 + 1 + p] = (byte) 255;
        b[r1] = 9;
        for (int i = 0; i < 32; i++)
            for (int j = 0; j < 32; j++) {
                int v = i >= 28 || j >= 28 ? 255 : pattern(i, j);
                for (int c = 0; c < 3; c++) b[r1 + 1 + c * 1024 + i * 32 + j] = (byte) v;
            }
        b[r2] = 1;
        rgb(b, r2, 0, 0, 10, 20, 30);   // 2.99 + 11.74 + 3.42 = 18.15 → 18
        rgb(b, r2, 0, 1, 0, 0, 5);      // 0.57 → 1
        rgb(b, r2, 3, 27, 1, 0, 0);     // 0.299 → 0
        rgb(b, r2, 27, 2, 200, 100, 50); // 59.8 + 58.7 + 5.7 = 124.2 → 124
        rgb(b, r2, 1, 28, 255, 255, 255); // outside the crop
        return b;
    }

    static void rgb(byte[] b, int rec, int i, int j, int r, int g, int bl) {
        b[rec + 1 + i * 32 + j] = (byte) r;
        b[rec + 1 + 1024 + i * 32 + j] = (byte) g;
        b[rec + 1 + 2048 + i * 32 + j] = (byte) bl;
    }

    @Test
    void cifarIsGrayscaledCroppedTopLeftAndScaled() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), cifarRecords());
        NoiseImages imgs = Cifar10.open(dir, true);
        assertEquals(3, imgs.count());
        float[] out = new float[3 * 784 + 5];
        for (int k = 0; k < 3; k++) imgs.copyTo(k, out, 5 + k * 784);
        for (int p = 0; p < 784; p++) assertEquals(76 / 255f, out[5 + p], 0f, "red 255 → L 76");
        for (int i = 0; i < 28; i++)
            for (int j = 0; j < 28; j++) assertEquals(pattern(i, j) / 255f, out[5 + 784 + i * 28 + j], 0f, "crop (" + i + "," + j + ")");
        int r2 = 5 + 2 * 784;
        assertEquals(18 / 255f, out[r2], 0f);
        assertEquals(1 / 255f, out[r2 + 1], 0f);
        assertEquals(0f, out[r2 + 3 * 28 + 27], 0f);
        assertEquals(124 / 255f, out[r2 + 27 * 28 + 2], 0f);
        assertEquals(0f, out[r2 + 28 + 27], 0f);
        assertEquals(18, Cifar10.luminance(10, 20, 30));
        assertEquals(255, Cifar10.luminance(255, 255, 255));
    }

    @Test
    void cifarErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("data_batch_1.bin");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cifar10.open(dir, false));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path truncated = dir.resolve("test_batch.bin");
        Files.write(truncated, new byte[2 * 3073 - 5]);
        e = assertThrows(IllegalArgumentException.class, () -> Cifar10.open(dir, true));
        assertTrue(e.getMessage().contains(truncated.toString()) && e.getMessage().contains("3073"), e.getMessage());
        Files.write(truncated, new byte[0]);
        e = assertThrows(IllegalArgumentException.class, () -> Cifar10.read(List.of(truncated), "x"));
        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    }

    @Test
    void cifarTrainSplitConcatenatesTheFiveBatchesAndIsCached() throws IOException {
        Path sub = dir.resolve("cifar-10-batches-bin");
        Files.createDirectories(sub);
        byte[] recs = cifarRecords();
        for (String f : Cifar10.TRAIN_FILES) Files.write(sub.resolve(f), recs);
        Files.write(sub.resolve("test_batch.bin"), java.util.Arrays.copyOf(recs, 3073));
        NoiseConfig n = new NoiseConfig("structured", "changing", 1, "auto", dir.toString(), "", 10, 1);
        NoiseImages train = NoiseImages.open(n, Split.TRAIN);
        assertEquals(15, train.count(), "5 files × 3 records, found in the cifar-10-batches-bin subfolder");
        assertEquals(1, NoiseImages.open(n, Split.TEST).count());
        assertSame(train, NoiseImages.open(n, Split.TRAIN), "cached");
        assertTrue(train.source().startsWith("cifar10:"), train.source());
    }

    static byte[] idx(int magic, int n, int rows, int cols, int bodyBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int k = 0; k < bodyBytes; k++) out.writeByte((k * 13) % 256);
        return bytes.toByteArray();
    }

    @Test
    void fashionMnistReadsPlainAndGzippedIdx() throws IOException {
        byte[] file = idx(0x803, 2, 28, 28, 2 * 784);
        Files.write(dir.resolve(FashionMnist.TEST_FILE), file);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve(FashionMnist.TRAIN_FILE + ".gz")))) {
            gz.write(file);
        }
        for (boolean test : new boolean[]{true, false}) {
            NoiseImages imgs = FashionMnist.open(dir, test);
            assertEquals(2, imgs.count());
            float[] out = new float[784];
            imgs.copyTo(1, out, 0);
            for (int p = 0; p < 784; p++) assertEquals(((784 + p) * 13 % 256) / 255f, out[p], 0f);
        }
    }

    @Test
    void fashionMnistErrorsNameTheFile() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.open(dir, true));
        assertTrue(e.getMessage().contains(dir.resolve(FashionMnist.TEST_FILE).toString()), e.getMessage());
        Path bad = dir.resolve("bad");
        Files.write(bad, idx(0x801, 2, 28, 28, 2 * 784));
        e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("magic"), e.getMessage());
        Files.write(bad, idx(0x803, 2, 28, 28, 784 + 10));
        e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void bankIsDeterministicInRangeAndSplitSpecific() {
        StructuredNoiseBank a = new StructuredNoiseBank(5, 12, false), b = new StructuredNoiseBank(5, 12, false);
        StructuredNoiseBank test = new StructuredNoiseBank(5, 12, true), other = new StructuredNoiseBank(6, 12, false);
        float[] x = new float[784], y = new float[784], t = new float[784], o = new float[784];
        for (int k = 0; k < 12; k++) {
            a.copyTo(k, x, 0);
            b.copyTo(k, y, 0);
            test.copyTo(k, t, 0);
            other.copyTo(k, o, 0);
            assertArrayEquals(x, y);
            assertFalse(java.util.Arrays.equals(x, t), "train and test banks differ");
            assertFalse(java.util.Arrays.equals(x, o), "seeds differ");
            float lo = 1, hi = 0;
            for (float v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertEquals(0f, lo, 0f);
            assertEquals(1f, hi, 1e-6f);
        }
        // fingerprint: the bank must not change across JVMs or versions without notice
        a.copyTo(0, x, 0);
        // fingerprint (StrictMath only): the bank must not change across JVMs, or silently across versions
        assertEquals(0.4519276f, x[0], 0f);
        assertEquals(0.21790797f, x[400], 0f);
        assertEquals(0.4679468842128254, meanOf(x), 1e-12);
    }

    static double meanOf(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s / x.length;
    }

    @Test
    void bankSpectrumFallsLikeOneOverF() {
        StructuredNoiseBank bank = new StructuredNoiseBank(1, 40, true);
        int n = 28;
        double[] power = new double[n * n];
        float[] img = new float[784];
        double[] cos = new double[n], sin = new double[n];
        for (int k = 0; k < n; k++) {
            cos[k] = Math.cos(2 * Math.PI * k / n);
            sin[k] = Math.sin(2 * Math.PI * k / n);
        }
        for (int k = 0; k < bank.count(); k++) {
            bank.copyTo(k, img, 0);
            double m = meanOf(img);
            for (int u = 0; u < n; u++)
                for (int v = 0; v < n; v++) {
                    double re = 0, im = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++) {
                            int ph = (u * i + v * j) % n; // e^{−2πi·ph/n}
                            re += (img[i * n + j] - m) * cos[ph];
                            im -= (img[i * n + j] - m) * sin[ph];
                        }
                    power[u * n + v] += re * re + im * im;
                }
        }
        // radial average over |f| bands; amplitude 1/f ⇒ power 1/f² ⇒ log-log slope −2
        double low = band(power, 1, 3), high = band(power, 9, 13);
        assertTrue(low > 10 * high, "low " + low + " high " + high);
        double slope = Math.log(band(power, 8, 10) / band(power, 2, 2.5)) / Math.log(9.0 / 2.25);
        assertEquals(-2, slope, 0.35, "log-log slope of the power spectrum");
    }

    static double band(double[] power, double fLo, double fHi) {
        int n = 28;
        double s = 0;
        int c = 0;
        for (int u = 0; u < n; u++)
            for (int v = 0; v < n; v++) {
                int fu = Math.min(u, n - u), fv = Math.min(v, n - v);
                double f = Math.hypot(fu, fv);
                if (f >= fLo && f <= fHi) {
                    s += power[u * n + v];
                    c++;
                }
            }
        return s / c;
    }

    @Test
    void aMissingCifarFolderIsAConfigErrorNamingTheKey() {
        jepa.settings.ConfigError e = assertThrows(jepa.settings.ConfigError.class, () -> Cifar10.open(java.nio.file.Path.of("/nonexistent"), false));
        assertTrue(e.getMessage().startsWith("noise.cifar10-path = /nonexistent is not a folder"), e.getMessage());
    }
}
