package jepa.config;

import com.typesafe.config.Config;

import java.util.List;

/** A sweep: worlds × noise kinds × temporals × α × methods × seeds, optionally × random hyper-parameter samples. */
public record SweepConfig(List<String> worlds, List<String> noiseKinds, List<String> noiseTemporals, List<Double> alphas,
                          List<String> methods, List<Long> seeds, int samples, double spread, List<String> searchKeys,
                          String centres, long searchSeed) implements java.io.Serializable {
    /** sweep.centres: the reference's best values per cell ({@link BestHparams}) or this config's values. */
    public static final String REFERENCE = "reference", CONFIG = "config";

    public SweepConfig {
        for (String w : worlds) Check.oneOf("sweep.worlds", w, WorldConfig.SINGLE, WorldConfig.THREE_DOTS);
        for (String k : noiseKinds) Check.oneOf("sweep.noise-kinds", k, NoiseConfig.UNIFORM, NoiseConfig.STRUCTURED);
        for (String t : noiseTemporals) Check.oneOf("sweep.noise-temporals", t, NoiseConfig.FIXED, NoiseConfig.CHANGING);
        for (double a : alphas) Check.nonNegative("sweep.alphas", a);
        for (String m : methods)
            Check.oneOf("sweep.methods", m, MethodConfig.VICREG, MethodConfig.SIMCLR, MethodConfig.IDM, MethodConfig.SUPERVISED,
                    MethodConfig.RANDOM, MethodConfig.CENTER, MethodConfig.RSSM);
        if (worlds.isEmpty() || noiseKinds.isEmpty() || noiseTemporals.isEmpty() || alphas.isEmpty() || methods.isEmpty() || seeds.isEmpty())
            throw new ConfigError("sweep.worlds, noise-kinds, noise-temporals, alphas, methods and seeds must not be empty");
        Check.nonNegative("sweep.samples", samples);
        Check.min("sweep.spread", spread, 1);
        Check.oneOf("sweep.centres", centres, REFERENCE, CONFIG);
    }

    static SweepConfig from(Config c) {
        try {
            return new SweepConfig(List.copyOf(c.getStringList("sweep.worlds")), List.copyOf(c.getStringList("sweep.noise-kinds")),
                    List.copyOf(c.getStringList("sweep.noise-temporals")), List.copyOf(c.getDoubleList("sweep.alphas")),
                    List.copyOf(c.getStringList("sweep.methods")), List.copyOf(c.getLongList("sweep.seeds")),
                    Check.integer(c, "sweep.samples"), Check.number(c, "sweep.spread"), List.copyOf(c.getStringList("sweep.search-keys")),
                    Check.string(c, "sweep.centres"), Check.longValue(c, "sweep.search-seed"));
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigError("a sweep list key has the wrong type: " + e.getMessage(), e);
        }
    }
}
