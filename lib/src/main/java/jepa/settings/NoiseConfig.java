package jepa.settings;

import com.typesafe.config.Config;

/**
 * Distractor noise (reference §1.6): ô_t = o_t + α·M·Z_t, with M the analytic peak of the dot pdf 1/(2πσ²) (the
 * reference uses the batch maximum, ≈ the same number; the analytic value keeps each sequence a function of its own
 * seed). Z is one image per sequence ("fixed") or a new image every frame ("changing"), uniform U[0,1) noise or
 * structured natural images.
 *
 * @param source for structured noise: "auto" (cifar10 when cifar10-path is set, else the built-in bank),
 *               "cifar10", "fashion-mnist" or "bank"
 */
public record NoiseConfig(String kind, String temporal, double alpha, String source, String cifar10Path,
                          String fashionMnistPath, int bankSize, long bankSeed) implements java.io.Serializable {

    public static final String UNIFORM = "uniform", STRUCTURED = "structured";
    public static final String FIXED = "fixed", CHANGING = "changing";
    public static final String AUTO = "auto", CIFAR10 = "cifar10", FASHION_MNIST = "fashion-mnist", BANK = "bank";
    /** Where Debian's dataset-fashion-mnist package puts the IDX files: noise.fashion-mnist-path when it is empty. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    public NoiseConfig {
        Check.oneOf("noise.kind", kind, UNIFORM, STRUCTURED);
        Check.oneOf("noise.temporal", temporal, FIXED, CHANGING);
        Check.nonNegative("noise.alpha", alpha);
        Check.oneOf("noise.source", source, AUTO, CIFAR10, FASHION_MNIST, BANK);
        if (CIFAR10.equals(source) && cifar10Path.isBlank())
            throw new ConfigError("noise.source = cifar10 needs noise.cifar10-path (a folder with data_batch_1..5.bin and test_batch.bin)");
        Check.positive("noise.bank-size", bankSize);
    }

    public static NoiseConfig from(Config c) {
        return new NoiseConfig(Check.string(c, "noise.kind"), Check.string(c, "noise.temporal"), Check.number(c, "noise.alpha"),
                Check.string(c, "noise.source"), Check.string(c, "noise.cifar10-path"), Check.string(c, "noise.fashion-mnist-path"),
                Check.integer(c, "noise.bank-size"), Check.longValue(c, "noise.bank-seed"));
    }

    /**
     * The structured-noise source actually used, with "auto" resolved: CIFAR-10 when noise.cifar10-path is set, else
     * Fashion-MNIST when its training file is in {@link #fashionMnistFolder()}, else the built-in bank.
     */
    public String resolvedSource() {
        if (!STRUCTURED.equals(kind)) return "none";
        if (!AUTO.equals(source)) return source;
        if (!cifar10Path.isBlank()) return CIFAR10;
        java.nio.file.Path f = java.nio.file.Path.of(fashionMnistFolder(), "train-images-idx3-ubyte");
        return java.nio.file.Files.isRegularFile(f) || java.nio.file.Files.isRegularFile(java.nio.file.Path.of(f + ".gz")) ? FASHION_MNIST : BANK;
    }

    /** The Fashion-MNIST folder: noise.fashion-mnist-path, or Debian's when that is empty. */
    public String fashionMnistFolder() { return fashionMnistPath.isBlank() ? DEBIAN_FASHION_MNIST : fashionMnistPath; }

    /** Whether frames get any distractor at all. */
    public boolean active() { return alpha > 0; }
}
