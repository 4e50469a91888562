package jepa.config;

import jepa.method.MethodType;
import jepa.method.Methods;
import jepa.settings.Check;

import com.typesafe.config.Config;

import java.util.List;

/** The training/inference benchmark: which methods and batch sizes, warm-up and timed steps. */
public record BenchConfig(List<String> methods, List<Integer> batchSizes, int warmup, int steps) implements java.io.Serializable {

    public BenchConfig {
        Check.notEmpty("bench.methods", methods);
        Check.eachOneOf("bench.methods", methods, Methods.ALL.stream().filter(MethodType::hasNetwork).map(MethodType::name).toList());
        Check.notEmpty("bench.batch-sizes", batchSizes);
        for (int b : batchSizes) Check.min("bench.batch-sizes", b, 2);
        Check.nonNegative("bench.warmup", warmup);
        Check.positive("bench.steps", steps);
    }

    static BenchConfig from(Config c) {
        return new BenchConfig(Check.strings(c, "bench.methods"), Check.integers(c, "bench.batch-sizes"),
                Check.integer(c, "bench.warmup"), Check.integer(c, "bench.steps"));
    }
}
