package jepa.config;

import jepa.method.Baseline;
import jepa.method.Method;
import jepa.method.Methods;
import jepa.settings.ConfigError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Expands a sweep into runs, each a list of key=value overrides on the base config. A search key's centre in a cell is
 * the reference's best value for that cell (sweep.centres = reference, {@link BestHparams}; the configured value where
 * the reference has no such cell or key) or the configured value; with no samples the runs use the centres, else
 * samples are drawn log-uniformly within ×/÷ spread of them, from a stream seeded by (search-seed, cell, sample), so
 * the same sweep always expands to the same runs; seeds share a sample (mean ± std over seeds per configuration).
 * A search key only varies for the methods it belongs to (e.g. method.rssm.* for rssm, train.base-lr for the LARS
 * methods). Cells without noise (α = 0) run once, under the sweep's first noise kind and temporal: the report draws
 * them in every noise setting's panel.
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
                    for (double alpha : s.alphas()) {
                        // without noise the noise kind and temporal mean nothing: α = 0 runs once, under the first of each
                        if (alpha == 0 && (!kind.equals(s.noiseKinds().get(0)) || !temporal.equals(s.noiseTemporals().get(0)))) continue;
                        for (String method : s.methods()) {
                            cell++;
                            Method m = Methods.create(base.methodConfig(method));
                            boolean trained = m.trains();
                            Map<String, Double> centres = trained ? centres(base, world, kind, temporal, alpha, method) : Map.of();
                            int samples = trained && s.samples() > 0 ? s.samples() : 1;
                            for (int k = 0; k < samples; k++) {
                                List<String> hp = s.samples() > 0 ? sample(centres, s, cell, k) : fixed(base, centres);
                                // a method without a network has nothing random: one run stands for every seed
                                List<Long> seeds = m instanceof Baseline ? List.of(s.seeds().get(0)) : s.seeds();
                                for (long seed : seeds) {
                                    List<String> o = new ArrayList<>(List.of("world.kind=" + world, "noise.kind=" + kind,
                                            "noise.temporal=" + temporal, "noise.alpha=" + alpha, "method.name=" + method, "train.seed=" + seed));
                                    o.addAll(hp);
                                    runs.add(o);
                                }
                            }
                        }
                    }
        return runs;
    }

    /** The method's search keys and their centres in this cell (insertion order = sweep.search-keys). */
    static Map<String, Double> centres(JepaConfig base, String world, String kind, String temporal, double alpha, String method) {
        Map<String, Double> c = new LinkedHashMap<>();
        for (String key : base.sweep().searchKeys()) {
            if (Methods.searched(key) && !Methods.type(method).searches(key)) continue;
            if (!base.raw().hasPath(key)) throw new ConfigError("sweep.search-keys: unknown key " + key);
            double configured = base.raw().getDouble(key);
            c.put(key, switch (base.sweep().centres()) {
                case SweepConfig.REFERENCE -> BestHparams.centre(world, kind, temporal, alpha, method, key).orElse(configured);
                case SweepConfig.NO_NOISE -> BestHparams.centre(world, kind, temporal, 0.0, method, key).orElse(configured);
                default -> configured;
            });
        }
        return c;
    }

    /** Without samples: the centres that differ from the configured values. */
    private static List<String> fixed(JepaConfig base, Map<String, Double> centres) {
        List<String> o = new ArrayList<>();
        centres.forEach((key, v) -> { if (v != base.raw().getDouble(key)) o.add(key + "=" + format(v)); });
        return o;
    }

    private static List<String> sample(Map<String, Double> centres, SweepConfig s, int cell, int k) {
        SplittableRandom rng = new SplittableRandom(s.searchSeed() * 1_000_003L + cell * 1_009L + k);
        List<String> o = new ArrayList<>();
        for (Map.Entry<String, Double> e : centres.entrySet()) {
            o.add(e.getKey() + "=" + format(e.getValue() * Math.exp((2 * rng.nextDouble() - 1) * Math.log(s.spread()))));
        }
        return o;
    }

    private static String format(double v) { return String.format(Locale.ROOT, "%.6g", v); }
}
