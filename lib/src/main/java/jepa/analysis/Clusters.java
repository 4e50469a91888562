package jepa.analysis;

import jepa.probe.DiagnosticRow;
import jepa.probe.Diagnostics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How embeddings cluster by object count (§2.3): nearest-centroid accuracy — one centroid per count from a fixed set of
 * embeddings, and the share of another set's embeddings whose nearest centroid (ℓ2) has their count —, RankMe and the
 * mean feature std of the evaluated embeddings (collapse: RankMe near 1, std near 0), and the mean ℓ2 distance between
 * two of them of the same count and of different counts. The paper scores compactness on one set; here the centroids
 * come from a second set (probe-train), so the accuracy is held out.
 *
 * @param ncAccuracy nearest-centroid accuracy in [0, 1]
 * @param withinDist mean ‖z_i − z_j‖ over pairs i &lt; j with the same count (NaN without such pairs)
 * @param acrossDist mean ‖z_i − z_j‖ over pairs with different counts
 */
public record Clusters(double ncAccuracy, double rankme, double featureStd, double withinDist, double acrossDist) {

    /** Centroids from (fitZ [m, D], fitCounts), scored on (z [n, D], counts); counts in 0..maxCount. */
    public static Clusters of(INDArray fitZ, int[] fitCounts, INDArray z, int[] counts, int maxCount) {
        double[][] centroids = centroids(fitZ, fitCounts, maxCount);
        double[][] e = z.castTo(DataType.DOUBLE).toDoubleMatrix();
        int correct = 0;
        for (int i = 0; i < e.length; i++) if (nearest(centroids, e[i]) == counts[i]) correct++;
        DiagnosticRow d = Diagnostics.of("clusters", 0, z);
        double within = 0, across = 0;
        long nw = 0, na = 0;
        double[][] dist = distances(z);
        for (int i = 0; i < e.length; i++)
            for (int j = i + 1; j < e.length; j++) {
                if (counts[i] == counts[j]) { within += dist[i][j]; nw++; } else { across += dist[i][j]; na++; }
            }
        return new Clusters((double) correct / e.length, d.rankme(), d.featureStd(), nw > 0 ? within / nw : Double.NaN,
                na > 0 ? across / na : Double.NaN);
    }

    /** The mean embedding of each count 0..maxCount (null for a count the set lacks). */
    public static double[][] centroids(INDArray z, int[] counts, int maxCount) {
        double[][] e = z.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] c = new double[maxCount + 1][];
        int[] n = new int[maxCount + 1];
        for (int i = 0; i < e.length; i++) {
            int k = counts[i];
            if (c[k] == null) c[k] = new double[e[i].length];
            for (int j = 0; j < e[i].length; j++) c[k][j] += e[i][j];
            n[k]++;
        }
        for (int k = 0; k <= maxCount; k++) if (c[k] != null) for (int j = 0; j < c[k].length; j++) c[k][j] /= n[k];
        return c;
    }

    /** The count whose centroid is nearest to x (the lowest count on ties). */
    public static int nearest(double[][] centroids, double[] x) {
        int best = -1;
        double bd = Double.POSITIVE_INFINITY;
        for (int k = 0; k < centroids.length; k++) {
            if (centroids[k] == null) continue;
            double d = 0;
            for (int j = 0; j < x.length; j++) { double t = x[j] - centroids[k][j]; d += t * t; }
            if (d < bd) { bd = d; best = k; }
        }
        return best;
    }

    /** ‖z_i − z_j‖ for all pairs of rows of z [n, D], from the Gram matrix in double. */
    public static double[][] distances(INDArray z) {
        INDArray zd = z.castTo(DataType.DOUBLE);
        double[][] g = zd.mmul(zd.transpose()).toDoubleMatrix();
        int n = g.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) d[i][j] = i == j ? 0 : Math.sqrt(Math.max(0, g[i][i] + g[j][j] - 2 * g[i][j]));
        return d;
    }
}
