package jepa.config;

import com.typesafe.config.Config;
import jepa.method.Methods;
import jepa.settings.Check;
import jepa.settings.NoiseConfig;
import jepa.world.Worlds;

import java.util.List;

/** A sweep: worlds × noise kinds × temporals × α × methods × seeds, optionally × random hyper-parameter samples. */
public record SweepConfig(List<String> worlds, List<String> noiseKinds, List<String> noiseTemporals, List<Double> alphas,
                          List<String> methods, List<Long> seeds, int samples, double spread, List<String> searchKeys,
                          String centres, long searchSeed) implements java.io.Serializable {
    /**
     * sweep.centres: the reference's best values per cell ({@link BestHparams}), the reference's best values of the
     * noise-free cell (α = 0) for every α (the paper's Fig. 5), or this config's values.
     */
    public static final String REFERENCE = "reference", NO_NOISE = "no-noise", CONFIG = "config";

    public SweepConfig {
        Check.notEmpty("sweep.worlds", worlds);
        Check.eachOneOf("sweep.worlds", worlds, Worlds.kinds());
        Check.notEmpty("sweep.noise-kinds", noiseKinds);
        Check.eachOneOf("sweep.noise-kinds", noiseKinds, List.of(NoiseConfig.UNIFORM, NoiseConfig.STRUCTURED));
        Check.notEmpty("sweep.noise-temporals", noiseTemporals);
        Check.eachOneOf("sweep.noise-temporals", noiseTemporals, List.of(NoiseConfig.FIXED, NoiseConfig.CHANGING));
        Check.notEmpty("sweep.alphas", alphas);
        for (double a : alphas) Check.nonNegative("sweep.alphas", a);
        Check.notEmpty("sweep.methods", methods);
        Check.eachOneOf("sweep.methods", methods, Methods.names());
        Check.notEmpty("sweep.seeds", seeds);
        Check.nonNegative("sweep.samples", samples);
        Check.min("sweep.spread", spread, 1);
        Check.oneOf("sweep.centres", centres, REFERENCE, NO_NOISE, CONFIG);
    }

    static SweepConfig from(Config c) {
        return new SweepConfig(Check.strings(c, "sweep.worlds"), Check.strings(c, "sweep.noise-kinds"), Check.strings(c, "sweep.noise-temporals"),
                Check.numbers(c, "sweep.alphas"), Check.strings(c, "sweep.methods"), Check.longs(c, "sweep.seeds"),
                Check.integer(c, "sweep.samples"), Check.number(c, "sweep.spread"), Check.strings(c, "sweep.search-keys"),
                Check.string(c, "sweep.centres"), Check.longValue(c, "sweep.search-seed"));
    }
}
