package jepa.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Expands a sweep into runs, each a list of key=value overrides on the base config. Hyper-parameter samples are
 * drawn log-uniformly within ×/÷ spread of the base value, from a stream seeded by (search-seed, cell, sample), so
 * the same sweep always expands to the same runs; seeds share a sample (mean ± std over seeds per configuration).
 */
public final class SweepGrid {
    private SweepGrid() {}

    public static List<List<String>> expand(JepaConfig base) {
        SweepConfig s = base.sweep();
        List<List<String>> runs = new ArrayList<>();
        int cell = 0;
        for (String world : s.worlds())
            for (String kind : s.noiseKinds())
                for (String temporal : s.noiseTemporals())
                    for (double alpha : s.alphas())
                        for (String method : s.methods()) {
                            cell++;
                            boolean searched = s.samples() > 0 && !method.equals(MethodConfig.CENTER) && !method.equals(MethodConfig.RANDOM);
                            int samples = searched ? s.samples() : 1;
                            for (int k = 0; k < samples; k++) {
                                List<String> hp = searched ? sample(base, s, cell, k) : List.of();
                                List<Long> seeds = method.equals(MethodConfig.CENTER) ? List.of(s.seeds().get(0)) : s.seeds();
                                for (long seed : seeds) {
                                    List<String> o = new ArrayList<>(List.of("world.kind=" + world, "noise.kind=" + kind,
                                            "noise.temporal=" + temporal, "noise.alpha=" + alpha, "method.name=" + method, "train.seed=" + seed));
                                    o.addAll(hp);
                                    runs.add(o);
                                }
                            }
                        }
        return runs;
    }

    private static List<String> sample(JepaConfig base, SweepConfig s, int cell, int k) {
        SplittableRandom rng = new SplittableRandom(s.searchSeed() * 1_000_003L + cell * 1_009L + k);
        List<String> o = new ArrayList<>();
        for (String key : s.searchKeys()) {
            double centre = base.raw().getDouble(key);
            double v = centre * Math.exp((2 * rng.nextDouble() - 1) * Math.log(s.spread()));
            o.add(key + "=" + String.format(Locale.ROOT, "%.6g", v));
        }
        return o;
    }
}
