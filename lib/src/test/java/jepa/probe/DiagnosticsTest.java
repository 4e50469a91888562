package jepa.probe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DiagnosticsTest {

    @Test
    void handMadeMatrix() {
        // columns (1,3,5) and (2,0,4): means 3 and 2, unbiased variances 4 and 4, covariance 2
        DiagnosticRow r = Diagnostics.of("encoder", 0, new double[][]{{1, 2}, {3, 0}, {5, 4}});
        assertEquals(2.0, r.featureStd(), 1e-12);
        assertEquals(2.0, r.offdiagCov(), 1e-12);
        // covariance [[4,2],[2,4]] has eigenvalues 6 and 2: participation ratio 8²/(36+4) = 1.6
        assertEquals(1.6, r.effRank(), 1e-12);
        // RankMe: σ ∝ (√6, √2), p = σ/Σσ + 1e-7, exp(entropy)
        assertEquals(1.9286231292, r.rankme(), 1e-9);
        assertEquals("encoder", r.source());
        assertEquals(2.0, Diagnostics.featureStd(Nd4j.create(new double[][]{{1, 2}, {3, 0}, {5, 4}})), 1e-12);
    }

    @Test
    void orthogonalEqualVarianceColumnsHaveFullRank() {
        int n = 200, d = 16;
        double[][] q = centredOrthonormalColumns(new Random(1), n, d);
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = 3 * q[i][j] + 5; // offset: centring must remove it
        DiagnosticRow r = Diagnostics.of("encoder", 0, z);
        assertEquals(d, r.rankme(), 1e-3 * d);
        assertEquals(d, r.effRank(), 1e-9 * d);
        assertEquals(0, r.offdiagCov(), 1e-12);
        assertEquals(3 / Math.sqrt(n - 1), r.featureStd(), 1e-12); // unit columns ×3: variance 9/(n−1)
    }

    @Test
    void rankOneDataHasRankOne() {
        Random rnd = new Random(2);
        int n = 300, d = 32;
        double[] u = new double[n], v = new double[d];
        for (int i = 0; i < n; i++) u[i] = rnd.nextGaussian();
        for (int j = 0; j < d; j++) v[j] = rnd.nextGaussian();
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i * d + j] = (float) (u[i] * v[j] + 0.7);
        DiagnosticRow r = Diagnostics.of("rollout", 3, Nd4j.create(z, new long[]{n, d}, 'c'));
        assertEquals(1.0, r.rankme(), 1e-2);
        assertEquals(1.0, r.effRank(), 1e-6);
        assertEquals(3, r.frame());
    }

    @Test
    void perStepSlicesTheRollout() {
        // step 0 isotropic, step 1 rank one
        Random rnd = new Random(3);
        int n = 100, d = 8;
        INDArray reps = Nd4j.zeros(DataType.FLOAT, n, 2, d);
        for (int i = 0; i < n; i++) {
            double u = rnd.nextGaussian();
            for (int j = 0; j < d; j++) {
                reps.putScalar(new long[]{i, 0, j}, rnd.nextGaussian());
                reps.putScalar(new long[]{i, 1, j}, u * (j + 1));
            }
        }
        List<DiagnosticRow> rows = Diagnostics.perStep("rollout", reps);
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).effRank() > 5, "isotropic step " + rows.get(0).effRank());
        assertEquals(1.0, rows.get(1).effRank(), 1e-5);
        assertEquals(1, rows.get(1).frame());
    }

    @Test
    void spectrumOf512FeaturesIsQuick() {
        // not a timed assertion: prints the cost; correctness via trace and Frobenius identities
        Random rnd = new Random(4);
        int n = 1000, d = 512;
        INDArray z = Nd4j.randn(DataType.FLOAT, n, d);
        long t0 = System.nanoTime();
        DiagnosticRow r = Diagnostics.of("encoder", 0, z);
        System.out.printf("Diagnostics.of on [%d, %d]: %.3f s%n", n, d, (System.nanoTime() - t0) / 1e9);
        double[][] c = Diagnostics.covariance(z);
        t0 = System.nanoTime();
        double[] lam = Diagnostics.spectrum(c);
        System.out.printf("512x512 eigenvalues: %.3f s%n", (System.nanoTime() - t0) / 1e9);
        double trace = 0, frob = 0, sum = 0, sum2 = 0;
        for (int i = 0; i < d; i++) { trace += c[i][i]; for (int j = 0; j < d; j++) frob += c[i][j] * c[i][j]; }
        for (double l : lam) { sum += l; sum2 += l * l; }
        assertEquals(trace, sum, 1e-9 * trace);
        assertEquals(frob, sum2, 1e-9 * frob);
        // Marchenko–Pastur at D/n = 0.512: participation ratio = D/(1 + D/n) ≈ 339
        assertEquals(d / (1 + (double) d / n), r.effRank(), 15);
        assertTrue(rnd != null);
    }

    @Test
    void fewerSamplesThanFeaturesGiveTheCovarianceSpectrum() {
        // a diagnostics batch: 64 samples of 512 features with a decaying spectrum; the Gram route must give the
        // statistics of the full 512x512 covariance eigen-decomposition, zeros included (RankMe's ε sees them)
        Random r = new Random(9);
        int n = 64, d = 512;
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = r.nextGaussian() * Math.exp(-j / 40.0) + 0.3;
        DiagnosticRow row = Diagnostics.of("encoder", 0, z);
        double[] full = Diagnostics.spectrum(Diagnostics.covariance(Nd4j.create(z)));
        // 1e-6: the D×D route's "zero" eigenvalues are round-off (~1e-16 of the top), whose square roots move RankMe
        assertEquals(Diagnostics.rankMe(full), row.rankme(), 1e-6 * row.rankme());
        assertEquals(Diagnostics.effectiveRank(full), row.effRank(), 1e-9 * row.effRank());
        assertTrue(row.rankme() > 5 && row.rankme() < n, "rank at most n − 1: " + row.rankme());
        double[] small = Diagnostics.spectrum(Diagnostics.gram(Nd4j.create(z)));
        for (int k = 1; k <= n - 1; k++) assertEquals(full[d - k], small[n - k], 1e-9 * full[d - 1], "eigenvalue " + k + " from the top");
    }

    /** Gaussian columns, centred, then Gram–Schmidt: orthonormal and orthogonal to the all-ones vector. */
    static double[][] centredOrthonormalColumns(Random r, int n, int d) {
        double[][] q = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) { q[i][j] = r.nextGaussian(); mean += q[i][j] / n; }
            for (int i = 0; i < n; i++) q[i][j] -= mean;
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[i][j] * q[i][k];
                    for (int i = 0; i < n; i++) q[i][j] -= dot * q[i][k];
                }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[i][j] * q[i][j];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[i][j] /= norm;
        }
        return q;
    }
}
