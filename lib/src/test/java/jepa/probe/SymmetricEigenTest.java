package jepa.probe;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SymmetricEigenTest {

    @Test
    void twoByTwo() {
        assertArrayEquals(new double[]{2, 6}, SymmetricEigen.values(new double[][]{{4, 2}, {2, 4}}), 1e-12);
        double[][] v = SymmetricEigen.of(new double[][]{{4, 2}, {2, 4}}).vectors();
        assertEquals(1 / Math.sqrt(2), Math.abs(v[0][1]), 1e-12); // eigenvector of 6 is (1,1)/√2
        assertEquals(v[0][1], v[1][1], 1e-12);
    }

    @Test
    void randomSymmetricMatrixIsDiagonalised() {
        Random r = new Random(7);
        int n = 40;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i][j] = a[j][i] = r.nextGaussian();
        SymmetricEigen e = SymmetricEigen.of(a);
        double[] lam = e.values();
        double[][] v = e.vectors();
        for (int k = 0; k < n; k++) {
            if (k > 0) assertTrue(lam[k] >= lam[k - 1], "ascending");
            for (int i = 0; i < n; i++) { // (A v_k)_i = λ_k v_ik
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i][j] * v[j][k];
                assertEquals(lam[k] * v[i][k], av, 1e-10);
            }
            for (int l = 0; l < n; l++) { // orthonormal
                double dot = 0;
                for (int i = 0; i < n; i++) dot += v[i][k] * v[i][l];
                assertEquals(k == l ? 1 : 0, dot, 1e-12);
            }
        }
        // the values-only path (no accumulation) gives the same spectrum
        assertArrayEquals(lam, SymmetricEigen.values(a), 1e-10);
    }

    @Test
    void degenerateAndZeroMatrices() {
        assertArrayEquals(new double[]{0, 0, 0}, SymmetricEigen.values(new double[3][3]), 0);
        assertArrayEquals(new double[]{5}, SymmetricEigen.values(new double[][]{{5}}), 0);
        assertArrayEquals(new double[]{1, 1, 1}, SymmetricEigen.values(new double[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}), 1e-15);
    }
}
