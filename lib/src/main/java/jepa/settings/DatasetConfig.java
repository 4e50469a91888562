package jepa.settings;

import com.typesafe.config.Config;

import java.util.Locale;

/** Which dataset to generate: its seed, split sizes, and how to estimate the image normalisation. */
public record DatasetConfig(String name, long seed, long train, long probeTrain, long test, boolean overwrite,
                            int normBatch, int normBatches) implements java.io.Serializable {

    public DatasetConfig {
        if (!name.isEmpty() && !name.matches("[A-Za-z0-9._-]+"))
            throw new ConfigError("dataset.name may only hold letters, digits, '.', '_' and '-', got '" + name + "'");
        Check.positive("dataset.train", train);
        Check.positive("dataset.probe-train", probeTrain);
        Check.positive("dataset.test", test);
        Check.positive("dataset.norm-batch", normBatch);
        Check.positive("dataset.norm-batches", normBatches);
    }

    public static DatasetConfig from(Config c) {
        return new DatasetConfig(Check.string(c, "dataset.name"), Check.longValue(c, "dataset.seed"),
                Check.longValue(c, "dataset.train"), Check.longValue(c, "dataset.probe-train"), Check.longValue(c, "dataset.test"),
                Check.bool(c, "dataset.overwrite"), Check.integer(c, "dataset.norm-batch"), Check.integer(c, "dataset.norm-batches"));
    }

    /** The dataset's folder name: the configured one, or one derived from the noise setting and the seed. */
    public String resolvedName(NoiseConfig noise) {
        if (!name.isEmpty()) return name;
        String a = noise.alpha() == Math.rint(noise.alpha()) ? String.valueOf((long) noise.alpha())
                : String.format(Locale.ROOT, "%s", noise.alpha());
        return noise.kind() + "-" + noise.temporal() + "-a" + a + "-s" + seed;
    }
}
