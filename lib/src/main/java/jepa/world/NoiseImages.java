package jepa.world;

import jepa.settings.ConfigError;
import jepa.settings.NoiseConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A set of 28×28 structured-noise images with values in [0,1] (reference §1.6: grayscale CIFAR-10 crops). */
public interface NoiseImages {
    /** Side of every image. */
    int SIDE = 28;
    /** Pixels per image. */
    int PIXELS = SIDE * SIDE;

    int count();

    /** Writes image index (row-major, 28×28, values in [0,1]) into dst[offset .. offset + 784). */
    void copyTo(int index, float[] dst, int offset);

    /** Where the images come from, e.g. "cifar10:/data/cifar/test" or "bank:seed=1,n=10000,test". */
    String source();

    /**
     * The image set a split draws from: train images for TRAIN, test images otherwise. Opened sources are cached
     * for the JVM's lifetime, so generators running in many tasks on one executor read the files once.
     */
    static NoiseImages open(NoiseConfig noise, Split split) {
        boolean test = split.usesTestImages();
        String resolved = noise.resolvedSource();
        String key = switch (resolved) {
            case NoiseConfig.CIFAR10 -> "cifar10|" + noise.cifar10Path();
            case NoiseConfig.FASHION_MNIST -> "fashion-mnist|" + noise.fashionMnistFolder();
            case NoiseConfig.BANK -> "bank|" + noise.bankSeed() + "|" + noise.bankSize();
            default -> throw new ConfigError("noise.kind = " + noise.kind() + " has no noise images (resolved source '" + resolved + "')");
        } + (test ? "|test" : "|train");
        return Cache.OPEN.computeIfAbsent(key, k -> switch (resolved) {
            case NoiseConfig.CIFAR10 -> Cifar10.open(Path.of(noise.cifar10Path()), test);
            case NoiseConfig.FASHION_MNIST -> FashionMnist.open(Path.of(noise.fashionMnistFolder()), test);
            default -> new StructuredNoiseBank(noise.bankSeed(), noise.bankSize(), test);
        });
    }

    /** Holder of the JVM-wide cache (interfaces cannot have private static fields). */
    final class Cache {
        private Cache() {}
        static final Map<String, NoiseImages> OPEN = new ConcurrentHashMap<>();
    }
}
