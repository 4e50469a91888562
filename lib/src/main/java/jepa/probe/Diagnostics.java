package jepa.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Collapse diagnostics of an embedding matrix Z [n, D], all from its unbiased covariance C = ZcᵀZc/(n−1)
 * (Zc = Z centred over samples), in double. The spectrum comes from a symmetric eigen-decomposition of the D×D
 * matrix C, or of the n×n Gram matrix when n < D (same non-zero eigenvalues, the rest are 0) (λ_k ≥ 0, tiny negative
 * round-off clipped to 0); the singular values of Zc are σ_k = √((n−1)·λ_k).
 * <ul>
 *   <li>feature std: mean_j √C_jj;</li>
 *   <li>off-diagonal covariance: mean over i ≠ j of |C_ij|;</li>
 *   <li>RankMe (Garrido et al. 2023, "RankMe: assessing the downstream performance of pretrained self-supervised
 *       representations by their rank"): exp(−Σ_k p_k log p_k) with p_k = σ_k/Σσ + 1e-7, σ_k the singular values
 *       of the CENTRED Z. Between 1 (rank one) and D (flat spectrum);</li>
 *   <li>effective rank: the participation ratio (Σλ)²/Σλ² with λ_k = σ_k² (the covariance eigenvalues up to a
 *       constant that cancels). Between 1 and D.</li>
 * </ul>
 */
public final class Diagnostics {
    private Diagnostics() {}

    /** RankMe's ε, added to every normalised singular value (as in the paper). */
    public static final double RANKME_EPS = 1e-7;

    /** The four statistics of z [n, D] (n ≥ 2), any float type. */
    public static DiagnosticRow of(String source, int frame, INDArray z) {
        double[][] c = covariance(z);
        int d = c.length;
        double std = 0, off = 0;
        for (int i = 0; i < d; i++) {
            std += Math.sqrt(Math.max(c[i][i], 0));
            for (int j = 0; j < d; j++) if (i != j) off += Math.abs(c[i][j]);
        }
        // fewer samples than features (a 64-sequence batch of 512-d embeddings): C has rank < n, and its non-zero
        // eigenvalues are those of the n×n Gram matrix ZcZcᵀ/(n−1), ~(D/n)³ times cheaper to decompose
        double[] lam = z.rows() < d ? padded(spectrum(gram(z)), d) : spectrum(c);
        return new DiagnosticRow(source, frame, std / d, d > 1 ? off / ((double) d * (d - 1)) : 0, rankMe(lam), effectiveRank(lam));
    }

    /** As {@link #of(String, int, INDArray)} for a double matrix [n][D]. */
    public static DiagnosticRow of(String source, int frame, double[][] z) { return of(source, frame, Nd4j.create(z)); }

    /** One row per step of reps [n, steps, D] (frame = step index). */
    public static List<DiagnosticRow> perStep(String source, INDArray reps) {
        if (reps.rank() != 3) throw new IllegalArgumentException("expected [n, steps, D], got rank " + reps.rank());
        List<DiagnosticRow> out = new ArrayList<>();
        for (int t = 0; t < reps.size(1); t++)
            out.add(of(source, t, reps.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all())));
        return out;
    }

    /** Unbiased covariance [D][D] of z [n, D] over its rows. */
    public static double[][] covariance(INDArray z) {
        if (z.rank() != 2 || z.rows() < 2) throw new IllegalArgumentException("need z [n >= 2, D], got " + java.util.Arrays.toString(z.shape()));
        INDArray zd = z.castTo(DataType.DOUBLE);
        INDArray zc = zd.subRowVector(zd.mean(0));
        return NdArrays.matrix(zc.transpose().mmul(zc).divi(z.rows() - 1));
    }

    /** ZcZcᵀ/(n−1) [n][n] of z [n, D] (Zc centred over samples): the same non-zero eigenvalues as {@link #covariance}. */
    public static double[][] gram(INDArray z) {
        if (z.rank() != 2 || z.rows() < 2) throw new IllegalArgumentException("need z [n >= 2, D], got " + java.util.Arrays.toString(z.shape()));
        INDArray zd = z.castTo(DataType.DOUBLE);
        INDArray zc = zd.subRowVector(zd.mean(0));
        return NdArrays.matrix(zc.mmul(zc.transpose()).divi(z.rows() - 1));
    }

    /** An ascending spectrum of length ≤ d, with the zero eigenvalues it lacks put in front. */
    private static double[] padded(double[] ascending, int d) {
        double[] out = new double[Math.max(d, ascending.length)];
        System.arraycopy(ascending, 0, out, out.length - ascending.length, ascending.length);
        return out;
    }

    /** Mean over features of the unbiased std over samples. */
    public static double featureStd(INDArray z) {
        return z.castTo(DataType.DOUBLE).std(true, 0).meanNumber().doubleValue();
    }

    /** Eigenvalues (ascending, negatives clipped to 0) of a covariance matrix. */
    public static double[] spectrum(double[][] cov) {
        for (double[] row : cov) for (double x : row) if (!Double.isFinite(x)) throw new IllegalArgumentException("covariance has non-finite entries");
        double[] lam = SymmetricEigen.values(cov);
        for (int i = 0; i < lam.length; i++) lam[i] = Math.max(lam[i], 0);
        return lam;
    }

    /** RankMe from covariance eigenvalues λ_k (σ_k ∝ √λ_k; the constant cancels in p_k). 1 for an all-zero spectrum. */
    public static double rankMe(double[] lambda) {
        double total = 0;
        for (double l : lambda) total += Math.sqrt(l);
        if (total == 0) return 1;
        double h = 0;
        for (double l : lambda) {
            double p = Math.sqrt(l) / total + RANKME_EPS;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }

    /** Participation ratio (Σλ)²/Σλ² of covariance eigenvalues λ_k = σ_k²/(n−1). 1 for an all-zero spectrum. */
    public static double effectiveRank(double[] lambda) {
        double s = 0, s2 = 0;
        for (double l : lambda) { s += l; s2 += l * l; }
        return s2 == 0 ? 1 : s * s / s2;
    }
}
