package jepa.probe;

import java.util.Arrays;

/**
 * Eigen-decomposition of a real symmetric matrix in double precision: Householder reduction to tridiagonal form
 * followed by the implicit QL iteration (the EISPACK tred2/tql2 algorithms, as in JAMA). Pure Java, so the result
 * does not depend on the native BLAS build; about 0.1 s for D = 512 when only eigenvalues are needed.
 * Eigenvalues come out in ascending order; with vectors, column k of {@link #vectors()} belongs to value k.
 */
public final class SymmetricEigen {
    private final double[] values;
    private final double[][] vectors; // null when only values were asked for

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Eigenvalues only (ascending). The input is not modified; only its lower triangle is read. */
    public static double[] values(double[][] a) { return decompose(a, false).values; }

    /** Eigenvalues and orthonormal eigenvectors. The input is not modified; only its lower triangle is read. */
    public static SymmetricEigen of(double[][] a) { return decompose(a, true); }

    public double[] values() { return values.clone(); }

    /** Column k is the unit eigenvector of {@code values()[k]}. */
    public double[][] vectors() {
        if (vectors == null) throw new IllegalStateException("eigenvectors were not computed");
        double[][] c = new double[vectors.length][];
        for (int i = 0; i < c.length; i++) c[i] = vectors[i].clone();
        return c;
    }

    private static SymmetricEigen decompose(double[][] a, boolean wantVectors) {
        int n = a.length;
        for (double[] row : a) if (row.length != n) throw new IllegalArgumentException("matrix must be square, got " + n + "x" + row.length);
        if (n == 0) return new SymmetricEigen(new double[0], wantVectors ? new double[0][0] : null);
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { v[i][j] = a[i][j]; v[j][i] = a[i][j]; }
        double[] d = new double[n], e = new double[n];
        if (wantVectors) tridiagonalizeAccumulating(v, d, e);
        else tridiagonalizeRowwise(v, d, e);
        diagonalize(v, d, e, wantVectors);
        sortAscending(v, d, wantVectors);
        return new SymmetricEigen(d, wantVectors ? v : null);
    }

    /** Householder reduction (tred2) with the transformations accumulated in v; diagonal in d, sub-diagonal in e[1..n-1]. */
    private static void tridiagonalizeAccumulating(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int j = 0; j < n; j++) d[j] = v[n - 1][j];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) { d[j] = v[i - 1][j]; v[i][j] = 0; v[j][i] = 0; }
            } else {
                for (int k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
                double f = d[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) { g += v[k][j] * d[k]; e[k] += v[k][j] * f; }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
                    for (int k = 0; k <= i; k++) v[k][j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k][i + 1] = 0;
        }
        for (int j = 0; j < n; j++) { d[j] = v[n - 1][j]; v[n - 1][j] = 0; }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    /**
     * The same reduction without accumulation, on the transposed storage u = vᵀ (equal for a symmetric input):
     * every O(n³) loop then walks along a row, which is several times faster for n in the hundreds.
     */
    private static void tridiagonalizeRowwise(double[][] u, double[] d, double[] e) {
        int n = d.length;
        for (int j = 0; j < n; j++) d[j] = u[j][n - 1];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) { d[j] = u[j][i - 1]; u[j][i] = 0; u[i][j] = 0; }
            } else {
                for (int k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
                double f = d[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    double[] uj = u[j];
                    g = e[j] + uj[j] * f;
                    for (int k = j + 1; k <= i - 1; k++) { g += uj[k] * d[k]; e[k] += uj[k] * f; }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    double[] uj = u[j];
                    for (int k = j; k <= i - 1; k++) uj[k] -= f * e[k] + g * d[k];
                    d[j] = uj[i - 1];
                    uj[i] = 0;
                }
            }
            d[i] = h;
        }
        for (int j = 0; j < n; j++) d[j] = u[j][j];
        e[0] = 0;
    }

    /** Implicit QL iteration on the tridiagonal matrix (tql2); rotates v's columns when accumulating. */
    private static void diagonalize(double[][] v, double[] d, double[] e, boolean accumulate) {
        int n = d.length;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        final double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > 100) throw new ArithmeticException("QL iteration did not converge (non-finite input?)");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Math.hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    double el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        if (accumulate) {
                            for (int k = 0; k < n; k++) {
                                h = v[k][i + 1];
                                v[k][i + 1] = s * v[k][i] + c * h;
                                v[k][i] = c * v[k][i] - s * h;
                            }
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    private static void sortAscending(double[][] v, double[] d, boolean withVectors) {
        if (!withVectors) { Arrays.sort(d); return; }
        int n = d.length;
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            for (int j = i + 1; j < n; j++) if (d[j] < d[k]) k = j;
            if (k != i) {
                double p = d[k]; d[k] = d[i]; d[i] = p;
                for (int j = 0; j < n; j++) { p = v[j][i]; v[j][i] = v[j][k]; v[j][k] = p; }
            }
        }
    }
}
