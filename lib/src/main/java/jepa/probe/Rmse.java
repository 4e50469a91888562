package jepa.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's units (reference §5.4, DESIGN "Units"). Input: E_{t,j}, the squared Euclidean error (x and y summed)
 * of step t and dot j in normalised units, averaged over sequences, exactly what the reference logs before
 * un-normalising. Normalised coordinates are n = ((c − 2.6)/RANGE − 0.5)/√(1/12), so one normalised unit is
 * √(1/12)·RANGE px and:
 * <ul>
 *   <li>pixel² error: E_px = E·(√(1/12)·21.8)² = E·39.603 (the code's {@code unnormalize_mse});</li>
 *   <li>paper per-coordinate MSE in range units: E_px/2/21.8² = E/24, whatever the range;</li>
 *   <li>paper RMSE of a set of rows = √(mean of their mse), the mean taken in MSE space over steps (and dots).</li>
 * </ul>
 */
public final class Rmse {
    private Rmse() {}

    /** Width of the allowed dot-centre range, px: [2.6, 24.4] (the paper's unit of length). */
    public static final double RANGE_PX = 21.8;
    /** Std of a uniform coordinate on the unit range: the normalisation divisor √(1/12). */
    public static final double UNIFORM_STD = Math.sqrt(1.0 / 12.0);
    /** px² per normalised unit²: (√(1/12)·21.8)² = 39.603. */
    public static final double PX2_PER_NORM2 = (UNIFORM_STD * RANGE_PX) * (UNIFORM_STD * RANGE_PX);
    /** E_norm / this = per-coordinate MSE in range units: 2 coordinates × 12 = 24. */
    public static final double NORM2_PER_PAPER_MSE = 2.0 / (UNIFORM_STD * UNIFORM_STD);

    /** Paper per-coordinate MSE (range units) from a normalised squared Euclidean error. */
    public static double paperMse(double eNorm) { return eNorm / NORM2_PER_PAPER_MSE; }

    /** The reference code's Euclidean pixel RMSE from a normalised squared Euclidean error, for a given range. */
    public static double rmsePx(double eNorm, double rangePx) { return Math.sqrt(eNorm * UNIFORM_STD * UNIFORM_STD * rangePx * rangePx); }

    /** Rows for steps 0..E.length−1 and dots 0..E[t].length−1 with the default 21.8-px range. */
    public static List<MetricRow> rows(String probe, String solver, double[][] e) { return rows(probe, solver, e, RANGE_PX); }

    /** As {@link #rows(String, String, double[][])}, for a world whose allowed range is {@code rangePx} wide. */
    public static List<MetricRow> rows(String probe, String solver, double[][] e, double rangePx) {
        List<MetricRow> out = new ArrayList<>();
        for (int t = 0; t < e.length; t++)
            for (int j = 0; j < e[t].length; j++) {
                double mse = paperMse(e[t][j]);
                out.add(new MetricRow(probe, solver, t, j, mse, Math.sqrt(mse), rmsePx(e[t][j], rangePx)));
            }
        return out;
    }

    /** √(mean mse) over all given rows: the paper's number for one dot (rows of one dot) or Table 1's Average (all). */
    public static double paperRmse(List<MetricRow> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no rows");
        double s = 0;
        for (MetricRow r : rows) s += r.mse();
        return Math.sqrt(s / rows.size());
    }

    /** Paper RMSE of one dot: √(mean over its steps of mse). */
    public static double paperRmse(List<MetricRow> rows, int dot) {
        return paperRmse(rows.stream().filter(r -> r.dot() == dot).toList());
    }

    /** Paper RMSE per dot, index = dot. */
    public static double[] paperRmseByDot(List<MetricRow> rows) {
        int dots = rows.stream().mapToInt(MetricRow::dot).max().orElseThrow(() -> new IllegalArgumentException("no rows")) + 1;
        double[] out = new double[dots];
        for (int j = 0; j < dots; j++) out[j] = paperRmse(rows, j);
        return out;
    }

    /** Table 1 "Average": √(mean of the squared per-dot RMSEs), not their arithmetic mean (reference §5.4). */
    public static double tableAverage(double... perDotRmse) {
        if (perDotRmse.length == 0) throw new IllegalArgumentException("no values");
        double s = 0;
        for (double r : perDotRmse) s += r * r;
        return Math.sqrt(s / perDotRmse.length);
    }

    /** The reference's {@code avg_eval_loss_rmse}: √(mean over rows of E_px), Euclidean, pixels. */
    public static double codeRmsePx(List<MetricRow> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no rows");
        double s = 0;
        for (MetricRow r : rows) s += r.rmsePx() * r.rmsePx();
        return Math.sqrt(s / rows.size());
    }
}
