package jepa.world;

import jepa.settings.ConfigError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 binary version as the reference uses it (reference §1.6): PIL "L" grayscale, ÷255, top-left 28×28 crop.
 * data_batch_1..5.bin form the train split, test_batch.bin the test split. Each record is 1 label byte and
 * 3072 bytes of R, G, B planes (32×32 each). Never downloads: a missing or malformed file is an error naming it.
 */
public final class Cifar10 {
    private Cifar10() {}

    static final int SIDE = 32, PLANE = SIDE * SIDE, RECORD = 1 + 3 * PLANE;

    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    public static final List<String> TEST_FILES = List.of("test_batch.bin");

    /** The train or test split found in folder (or in its cifar-10-batches-bin subfolder, as the archive unpacks). */
    public static NoiseImages open(Path folder, boolean test) {
        if (!Files.isDirectory(folder))
            throw new ConfigError("noise.cifar10-path = " + folder + " is not a folder: give the folder of CIFAR-10's binary files "
                    + "(data_batch_1..5.bin, test_batch.bin; the \"binary version\" archive, never downloaded here)");
        Path dir = folder;
        if (!Files.exists(dir.resolve(TEST_FILES.get(0))) && Files.isDirectory(dir.resolve("cifar-10-batches-bin")))
            dir = dir.resolve("cifar-10-batches-bin");
        List<Path> files = new ArrayList<>();
        for (String name : test ? TEST_FILES : TRAIN_FILES) files.add(dir.resolve(name));
        return read(files, "cifar10:" + dir + (test ? ":test" : ":train"));
    }

    /** Reads the given binary batch files, in order, into grayscale crops. */
    public static NoiseImages read(List<Path> files, String source) {
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (Path f : files) {
            byte[] g = readFile(f);
            parts.add(g);
            total += g.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new ByteImages(all, source);
    }

    private static byte[] readFile(Path f) {
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            throw new ConfigError("noise.cifar10-path: CIFAR-10 file " + f + " is missing or unreadable (" + e.getMessage() + ")", e);
        }
        if (size == 0 || size % RECORD != 0)
            throw new ConfigError("noise.cifar10-path: CIFAR-10 file " + f + " has " + size + " bytes, not a positive multiple of "
                    + RECORD + " (1 label + 3072 pixel bytes per record): truncated or not the binary version");
        int n = (int) (size / RECORD);
        byte[] out = new byte[n * NoiseImages.PIXELS];
        byte[] rec = new byte[RECORD];
        try (InputStream in = Files.newInputStream(f)) {
            for (int r = 0; r < n; r++) {
                if (in.readNBytes(rec, 0, RECORD) != RECORD) throw new IOException("short read at record " + r);
                grayCrop(rec, out, r * NoiseImages.PIXELS);
            }
        } catch (IOException e) {
            throw new ConfigError("noise.cifar10-path: CIFAR-10 file " + f + " cannot be read (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** Top-left 28×28 of one record as 8-bit luminance. */
    static void grayCrop(byte[] rec, byte[] out, int offset) {
        int s = NoiseImages.SIDE;
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) {
                int p = 1 + i * SIDE + j;
                out[offset + i * s + j] = (byte) luminance(rec[p] & 0xFF, rec[p + PLANE] & 0xFF, rec[p + 2 * PLANE] & 0xFF);
            }
    }

    /**
     * PIL's "L" conversion as Pillow computes it (what the reference's torchvision Grayscale runs):
     * L = 0.299R + 0.587G + 0.114B rounded, in 16-bit fixed point. It differs from the decimal integer form
     * (R·299 + G·587 + B·114 + 500)/1000 by one grey level on 9,040 of the 16.7M RGB triples.
     */
    static int luminance(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
