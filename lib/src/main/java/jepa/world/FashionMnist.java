package jepa.world;

import jepa.settings.ConfigError;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST images (IDX format, optionally gzipped) as an alternative structured-noise source, ÷255.
 * train-images-idx3-ubyte is the train split, t10k-images-idx3-ubyte the test split.
 */
public final class FashionMnist {
    private FashionMnist() {}

    static final int MAGIC = 0x00000803;
    public static final String TRAIN_FILE = "train-images-idx3-ubyte", TEST_FILE = "t10k-images-idx3-ubyte";

    /** The split's image file in folder, plain or with .gz. */
    public static NoiseImages open(Path folder, boolean test) {
        String name = test ? TEST_FILE : TRAIN_FILE;
        Path f = folder.resolve(name);
        if (!Files.exists(f) && Files.exists(folder.resolve(name + ".gz"))) f = folder.resolve(name + ".gz");
        return read(f);
    }

    /** Reads one IDX3 image file of 28×28 images. */
    public static NoiseImages read(Path f) {
        if (!Files.isRegularFile(f))
            throw new ConfigError("noise.fashion-mnist-path: Fashion-MNIST file " + f + " does not exist (plain or .gz; Debian's dataset-fashion-mnist package installs them)");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(f));
             DataInputStream in = new DataInputStream(f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            int magic = in.readInt();
            if (magic != MAGIC)
                throw new ConfigError("noise.fashion-mnist-path: Fashion-MNIST file " + f + " has magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x00000803 (IDX3 unsigned bytes)");
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (n <= 0 || rows != NoiseImages.SIDE || cols != NoiseImages.SIDE)
                throw new ConfigError("noise.fashion-mnist-path: Fashion-MNIST file " + f + " holds " + n + " images of " + rows + "×" + cols
                        + ", expected a positive count of 28×28");
            byte[] px = new byte[n * NoiseImages.PIXELS];
            if (in.readNBytes(px, 0, px.length) != px.length)
                throw new ConfigError("noise.fashion-mnist-path: Fashion-MNIST file " + f + " is truncated: fewer than " + n + " images");
            return new ByteImages(px, "fashion-mnist:" + f);
        } catch (IOException e) {
            throw new ConfigError("noise.fashion-mnist-path: Fashion-MNIST file " + f + " cannot be read: " + e, e);
        }
    }
}
