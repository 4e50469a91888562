package jepa.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The reference evaluation pass (reference §5.2): E_{t,j} = mean over test sequences of ‖ŷ_{t,j} − y_{t,j}‖² (x and y summed),
 * normalised units, then converted to metric rows by {@link Rmse}. Errors are accumulated in double, in blocks of
 * sequences so a 10k-sequence test set never needs a second full copy.
 */
public final class ProbeEvaluation {
    private ProbeEvaluation() {}

    /**
     * Probe names in the metrics table: the rollout probe and the encoder probe on the test split, and the rollout
     * probe's error on its own probe-train data ("rollout_train": what hyper-parameter selection may look at).
     */
    public static final String ROLLOUT = "rollout", ENCODER = "encoder", ROLLOUT_TRAIN = "rollout_train";

    /** Metric rows for steps 0..steps−1 and dots 0..dots−1. */
    public static List<MetricRow> evaluate(Predictor predictor, ProbeData test, String probe, String solver) {
        return Rmse.rows(probe, solver, squaredErrors(predictor, test));
    }

    /** E[t][j]: per step and dot, the mean over sequences of the squared Euclidean error, normalised units. */
    public static double[][] squaredErrors(Predictor predictor, ProbeData test) {
        int n = test.sequences(), steps = test.steps(), dots = test.dots();
        if (predictor.outputs() != 2 * dots)
            throw new IllegalArgumentException("predictor gives " + predictor.outputs() + " outputs, test data has " + dots + " dots");
        double[][] sum = new double[steps][dots];
        int block = Math.max(1, 16384 / steps);
        for (int from = 0; from < n; from += block) {
            int to = Math.min(n, from + block);
            ProbeData.Flat f = test.slice(from, to).flatten();
            INDArray diff = predictor.predict(f.x()).castTo(DataType.DOUBLE).sub(f.y().castTo(DataType.DOUBLE));
            double[] sq = NdArrays.rowMajor(diff.muli(diff)); // rows (seq, step), columns dot·2 + c
            int k = 2 * dots, rows = sq.length / k;
            for (int r = 0; r < rows; r++) {
                int t = r % steps;
                for (int j = 0; j < dots; j++) sum[t][j] += sq[r * k + 2 * j] + sq[r * k + 2 * j + 1];
            }
        }
        for (double[] row : sum) for (int j = 0; j < dots; j++) row[j] /= n;
        return sum;
    }
}
