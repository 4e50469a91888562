package jepa.method;

import jepa.probe.Predictor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The Center baseline (paper Table 1, reference §7): no network, every dot predicted at the image centre
 * (13.5 px = normalised 0) at every step. Scored through the same evaluation path as a trained probe; expected
 * paper RMSE 0.304 for a moving dot and √(1/12) = 0.289 for the stationary one.
 */
public final class Center implements Baseline {
    public static final MethodType TYPE = new MethodType("center", Center.class, "", Map.of(), m -> new Center());

    @Override public String name() { return TYPE.name(); }

    @Override
    public Predictor predictor(int dots) { return new AtCentre(dots); }

    /** Zeros [m, 2·dots] (the centre in normalised units), whatever the representations. */
    record AtCentre(int dots) implements Predictor {
        AtCentre {
            if (dots < 1) throw new IllegalArgumentException("dots must be >= 1, got " + dots);
        }

        @Override public INDArray predict(INDArray x) { return Nd4j.zeros(DataType.DOUBLE, x.rows(), 2L * dots); }

        @Override public int outputs() { return 2 * dots; }
    }
}
