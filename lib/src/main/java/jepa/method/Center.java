package jepa.method;

import jepa.probe.MetricRow;
import jepa.probe.ProbeData;
import jepa.probe.ProbeEvaluation;
import jepa.probe.Predictor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The Center baseline (paper Table 1, reference §7): no network, every dot predicted at the image centre
 * (13.5 px = normalised 0) at every step. Scored through the same evaluation path as a trained probe; expected
 * paper RMSE 0.304 for a moving dot and √(1/12) = 0.289 for the stationary one.
 */
public final class Center implements Predictor {
    /** Method and solver names for the results tables. */
    public static final String METHOD = "center", SOLVER = "none";

    private final int dots;

    public Center(int dots) {
        if (dots < 1) throw new IllegalArgumentException("dots must be >= 1, got " + dots);
        this.dots = dots;
    }

    /** Zeros [m, 2·dots]; the representations are ignored. */
    @Override
    public INDArray predict(INDArray x) { return Nd4j.zeros(DataType.DOUBLE, x.rows(), 2L * dots); }

    @Override
    public int outputs() { return 2 * dots; }

    /** Metric rows of the baseline on {@code test} (its representations may be any placeholder, e.g. D = 1). */
    public static List<MetricRow> evaluate(ProbeData test, String probe) {
        return ProbeEvaluation.evaluate(new Center(test.dots()), test, probe, SOLVER);
    }
}
