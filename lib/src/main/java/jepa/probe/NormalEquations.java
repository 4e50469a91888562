package jepa.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Streaming least squares without intercept: accumulates XᵀX and XᵀY in double over any number of row blocks,
 * then solves (XᵀX/N + ridge·I) W = XᵀY/N. The per-row scaling makes {@code ridge} mean what spark-mllib's
 * {@code regParam} means (with standardization off): the optimum of mean squared error + ridge·‖W‖².
 * Memory is D² + D·K doubles, whatever N is, so paper-size probe sets can be streamed through it.
 */
public final class NormalEquations implements java.io.Serializable {
    private final int d, k;
    private final double[][] xtx, xty;
    private long rows;

    public NormalEquations(int d, int k) {
        if (d < 1 || k < 1) throw new IllegalArgumentException("need d >= 1 and k >= 1, got d=" + d + " k=" + k);
        this.d = d;
        this.k = k;
        this.xtx = new double[d][d];
        this.xty = new double[d][k];
    }

    /** Adds a block of rows: x [m, D], y [m, K] (any float type; products are taken in double). */
    public NormalEquations add(INDArray x, INDArray y) {
        if (x.rank() != 2 || y.rank() != 2 || x.rows() != y.rows() || x.columns() != d || y.columns() != k)
            throw new IllegalArgumentException("expected x [m," + d + "] and y [m," + k + "], got "
                    + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(y.shape()));
        INDArray xd = x.castTo(DataType.DOUBLE), yd = y.castTo(DataType.DOUBLE);
        INDArray xt = xd.transpose();
        addInto(xtx, NdArrays.matrix(xt.mmul(xd)));
        addInto(xty, NdArrays.matrix(xt.mmul(yd)));
        rows += x.rows();
        return this;
    }

    public long rows() { return rows; }

    /** Adds another accumulator's rows into this one (partial sums from other partitions). */
    public NormalEquations merge(NormalEquations o) {
        if (o.d != d || o.k != k) throw new IllegalArgumentException("cannot merge [" + o.d + "," + o.k + "] into [" + d + "," + k + "]");
        addInto(xtx, o.xtx);
        addInto(xty, o.xty);
        rows += o.rows;
        return this;
    }

    /**
     * The least-squares weights [D][K]. Cholesky when (XᵀX/N + ridge·I) is positive definite; otherwise (collapsed
     * or duplicated features) the minimum-norm solution through the eigen-decomposition, eigenvalues below
     * D·ε·λ_max treated as zero (numpy's lstsq convention), which is the ridge → 0 limit.
     */
    public double[][] solve(double ridge) {
        if (!(ridge >= 0)) throw new IllegalArgumentException("ridge must be >= 0, got " + ridge);
        if (rows == 0) throw new IllegalStateException("no rows were added");
        double[][] a = new double[d][d], b = new double[d][k];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) a[i][j] = xtx[i][j] / rows;
            a[i][i] += ridge;
            for (int c = 0; c < k; c++) b[i][c] = xty[i][c] / rows;
        }
        double[][] w = cholesky(a, b);
        return w != null ? w : minimumNorm(a, b);
    }

    /** Solves a·w = b for symmetric positive-definite a; null when a pivot is not clearly positive. */
    static double[][] cholesky(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length;
        double maxDiag = 0;
        for (int i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i][i]));
        double tiny = n * Math.ulp(1.0) * maxDiag;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                double[] li = l[i], lj = l[j];
                for (int p = 0; p < j; p++) s -= li[p] * lj[p];
                if (i == j) {
                    if (!(s > tiny)) return null;
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        double[][] w = new double[n][m];
        for (int c = 0; c < m; c++) {
            double[] z = new double[n];
            for (int i = 0; i < n; i++) { // L z = b
                double s = b[i][c];
                for (int p = 0; p < i; p++) s -= l[i][p] * z[p];
                z[i] = s / l[i][i];
            }
            for (int i = n - 1; i >= 0; i--) { // Lᵀ w = z
                double s = z[i];
                for (int p = i + 1; p < n; p++) s -= l[p][i] * w[p][c];
                w[i][c] = s / l[i][i];
            }
        }
        return w;
    }

    /** w = a⁺ b through a's eigen-decomposition, small eigenvalues dropped. */
    static double[][] minimumNorm(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length;
        SymmetricEigen eig = SymmetricEigen.of(a);
        double[] lam = eig.values();
        double[][] v = eig.vectors();
        double cutoff = n * Math.ulp(1.0) * Math.max(Math.abs(lam[n - 1]), Math.abs(lam[0]));
        double[][] w = new double[n][m];
        for (int q = 0; q < n; q++) {
            if (!(lam[q] > cutoff)) continue;
            for (int c = 0; c < m; c++) {
                double proj = 0;
                for (int i = 0; i < n; i++) proj += v[i][q] * b[i][c];
                proj /= lam[q];
                for (int i = 0; i < n; i++) w[i][c] += proj * v[i][q];
            }
        }
        return w;
    }

    private static void addInto(double[][] acc, double[][] x) {
        for (int i = 0; i < acc.length; i++) for (int j = 0; j < acc[i].length; j++) acc[i][j] += x[i][j];
    }
}
