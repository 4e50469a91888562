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

    public NoiseConfig {
        Check.oneOf("noise.kind", kind, UNIFORM, STRUCTURED);
        Check.oneOf("noise.temporal", temporal, FIXED, CHANGING);
        Check.nonNegative("noise.alpha", alpha);
        Check.oneOf("noise.source", source, AUTO, CIFAR10, FASHION_MNIST, BANK);
        if (CIFAR10.equals(source) && cifar10Path.isBlank())
            throw new ConfigError("noise.source = cifar10 needs noise.cifar10-path (a folder with data_batch_1..5.bin and test_batch.bin)");
        if (FASHION_MNIST.equals(source) && fashionMnistPath.isBlank())
            throw new ConfigError("noise.source = fashion-mnist needs noise.fashion-mnist-path (a folder with the IDX files)");
        Check.positive("noise.bank-size", bankSize);
    }

    public static NoiseConfig from(Config c) {
        return new NoiseConfig(Check.string(c, "noise.kind"), Check.string(c, "noise.temporal"), Check.number(c, "noise.alpha"),
                Check.string(c, "noise.source"), Check.string(c, "noise.cifar10-path"), Check.string(c, "noise.fashion-mnist-path"),
                Check.integer(c, "noise.bank-size"), Check.longValue(c, "noise.bank-seed"));
    }

    /** The structured-noise source actually used, with "auto" resolved. */
    public String resolvedSource() {
        if (!STRUCTURED.equals(kind)) return "none";
        if (!AUTO.equals(source)) return source;
        return cifar10Path.isBlank() ? BANK : CIFAR10;
    }

    /** Whether frames get any distractor at all. */
    public boolean active() { return alpha > 0; }
}
