package jepa.config;

import com.typesafe.config.Config;

import java.util.List;

/** The training/inference benchmark: which methods and batch sizes, warm-up and timed steps. */
public record BenchConfig(List<String> methods, List<Integer> batchSizes, int warmup, int steps) implements java.io.Serializable {

    public BenchConfig {
        if (methods.isEmpty()) throw new ConfigError("bench.methods must not be empty");
        for (String m : methods)
            Check.oneOf("bench.methods", m, MethodConfig.VICREG, MethodConfig.SIMCLR, MethodConfig.IDM, MethodConfig.SUPERVISED, MethodConfig.RANDOM,
                    MethodConfig.RSSM);
        if (batchSizes.isEmpty()) throw new ConfigError("bench.batch-sizes must not be empty");
        for (int b : batchSizes) Check.min("bench.batch-sizes", b, 2);
        Check.nonNegative("bench.warmup", warmup);
        Check.positive("bench.steps", steps);
    }

    static BenchConfig from(Config c) {
        try {
            return new BenchConfig(List.copyOf(c.getStringList("bench.methods")), List.copyOf(c.getIntList("bench.batch-sizes")),
                    Check.integer(c, "bench.warmup"), Check.integer(c, "bench.steps"));
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigError("bench.methods / bench.batch-sizes must be lists: " + e.getMessage(), e);
        }
    }
}
