package jepa.plan;

/** The few dense-layer operations the double-precision world models need, on plain arrays (W laid out [in, out]). */
final class Dense {
    private Dense() {}

    /** x·W[:len(x)] + b. */
    static double[] apply(double[] x, double[][] w, double[] b) {
        double[] y = b.clone();
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            for (int j = 0; j < y.length; j++) y[j] += xi * w[i][j];
        }
        return y;
    }

    static double[] relu(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.max(0, v[i]);
        return out;
    }

    static double dot(double[] a, double[] b) {
        double v = 0;
        for (int i = 0; i < a.length; i++) v += a[i] * b[i];
        return v;
    }
}
