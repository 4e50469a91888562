package jepa.analysis;

import java.util.Arrays;

/**
 * The empirical check of Theorem 3 (App. B.1): a model well-trained on D keeps every certified pair (x, y) ∈ R* apart,
 * E(x) ≠ E(y). Reported as the smallest ℓ2 distance over certified pairs (0 means an unhealthy collapse) against the
 * median ℓ2 distance within B* (pairs x ≠ y of sources the data does not separate: the classes when B* is an
 * equivalence), the scale at which "apart" is judged; the theory does not require B* pairs to collapse.
 *
 * @param minCertified      min ‖E(x) − E(y)‖ over (x, y) ∈ R*, x ≠ y (NaN when R* is empty)
 * @param closestX          a certified pair attaining it (−1 when R* is empty)
 * @param closestY          its other state
 * @param medianWithinClass median ‖E(x) − E(y)‖ over unordered B* pairs x ≠ y (NaN when there are none)
 * @param certifiedPairs    unordered certified pairs compared
 * @param withinClassPairs  unordered B* pairs compared
 */
public record CollapseCheck(double minCertified, int closestX, int closestY, double medianWithinClass,
                            long certifiedPairs, long withinClassPairs) {

    /** embeddings[s] is E(s) for every source s of the bisimulation (other rows are ignored and may be null). */
    public static CollapseCheck of(Bisimulation.Result r, float[][] embeddings) {
        if (embeddings.length != r.states())
            throw new IllegalArgumentException("one embedding per state expected: " + r.states() + ", got " + embeddings.length);
        int n = r.states(), dim = -1;
        for (int s = 0; s < n; s++) {
            if (!r.source(s)) continue;
            if (embeddings[s] == null) throw new IllegalArgumentException("no embedding for source state " + s);
            if (dim < 0) dim = embeddings[s].length;
            else if (embeddings[s].length != dim) throw new IllegalArgumentException("embedding " + s + " has dimension "
                    + embeddings[s].length + ", others " + dim);
        }
        double min = Double.POSITIVE_INFINITY;
        int bx = -1, by = -1;
        long certified = 0, within = 0;
        float[] dist = new float[1024];
        for (int x = 0; x < n; x++) {
            if (!r.source(x)) continue;
            for (int y = x + 1; y < n; y++) {
                if (!r.source(y)) continue;
                double d = distance(embeddings[x], embeddings[y]);
                if (r.certified(x, y)) {
                    certified++;
                    if (d < min) { min = d; bx = x; by = y; }
                } else {
                    if (within == dist.length) dist = Arrays.copyOf(dist, dist.length * 2);
                    dist[(int) within++] = (float) d;
                }
            }
        }
        return new CollapseCheck(certified == 0 ? Double.NaN : min, bx, by, median(dist, (int) within), certified, within);
    }

    /** minCertified / medianWithinClass: above 1 when certified pairs are farther apart than typical B* pairs. */
    public double separationRatio() { return minCertified / medianWithinClass; }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double median(float[] v, int n) {
        if (n == 0) return Double.NaN;
        float[] a = Arrays.copyOf(v, n);
        Arrays.sort(a);
        return n % 2 == 1 ? a[n / 2] : 0.5 * ((double) a[n / 2 - 1] + a[n / 2]);
    }
}
