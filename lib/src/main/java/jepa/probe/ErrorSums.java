package jepa.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Squared-error sums of predictors over a split, per (probe, solver), step and dot (reference §5.2), in double:
 * mergeable, so partitions can be scored anywhere; {@link #rows()} turns the means into metrics rows.
 */
public final class ErrorSums implements java.io.Serializable {
    private final Map<String, double[][]> sums = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    /** Adds the errors of {@code p} on a block of sequences under (probe, solver). */
    public ErrorSums add(String probe, String solver, Predictor p, ProbeData data) {
        double[][] e = ProbeEvaluation.squaredErrors(p, data);   // means over the block's sequences
        String key = probe + "\u0000" + solver;
        double[][] s = sums.computeIfAbsent(key, k -> new double[e.length][e[0].length]);
        if (s.length != e.length || s[0].length != e[0].length) throw new IllegalArgumentException("steps or dots changed within " + probe);
        int n = data.sequences();
        for (int t = 0; t < e.length; t++) for (int j = 0; j < e[t].length; j++) s[t][j] += e[t][j] * n;
        counts.merge(key, (long) n, Long::sum);
        return this;
    }

    public ErrorSums merge(ErrorSums o) {
        o.sums.forEach((key, s) -> {
            double[][] mine = sums.computeIfAbsent(key, k -> new double[s.length][s[0].length]);
            for (int t = 0; t < s.length; t++) for (int j = 0; j < s[t].length; j++) mine[t][j] += s[t][j];
        });
        o.counts.forEach((key, n) -> counts.merge(key, n, Long::sum));
        return this;
    }

    /** Metrics rows of every (probe, solver) added, in the order first added. */
    public List<MetricRow> rows() {
        List<MetricRow> out = new ArrayList<>();
        sums.forEach((key, s) -> {
            long n = counts.get(key);
            double[][] mean = new double[s.length][s[0].length];
            for (int t = 0; t < s.length; t++) for (int j = 0; j < s[t].length; j++) mean[t][j] = s[t][j] / n;
            String[] ps = key.split("\u0000", 2);
            out.addAll(Rmse.rows(ps[0], ps[1], mean));
        });
        return out;
    }
}
