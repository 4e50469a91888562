package jepa.nn;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Central differences of a graph's score over each of its parameters, against an analytic gradient of that score. */
public final class GraphGradientCheck {
    private GraphGradientCheck() {}

    /** The largest relative error over gradients above 1e-6, how many gradients are above 1e-6, how many were checked. */
    public record Result(double worstRelative, int nonTrivial, int checked) {}

    /** Asserts, parameter by parameter, |numeric − analytic| < absTol or a relative error < relTol (ε = 1e-6). */
    public static Result check(ComputationGraph cg, MultiDataSet m, INDArray analytic, double absTol, double relTol, String what) {
        return check(cg, m, analytic, absTol, relTol, what, i -> i + 1);
    }

    /** As {@link #check}, over the parameter indices 0, next(0), next(next(0)), … (to sample a large graph). */
    public static Result check(ComputationGraph cg, MultiDataSet m, INDArray analytic, double absTol, double relTol, String what,
                               LongUnaryOperator next) {
        INDArray params = cg.params();
        double eps = 1e-6, worst = 0;
        int nonTrivial = 0, checked = 0;
        for (long i = 0; i < params.length(); i = next.applyAsLong(i)) {
            double o = params.getDouble(i);
            params.putScalar(i, o + eps);
            double up = cg.score(m, true);
            params.putScalar(i, o - eps);
            double dn = cg.score(m, true);
            params.putScalar(i, o);
            double num = (up - dn) / (2 * eps), an = analytic.getDouble(i);
            double rel = Math.abs(num - an) / Math.max(Math.abs(num) + Math.abs(an), 1e-12);
            if (Math.abs(num) > 1e-6) { worst = Math.max(worst, rel); nonTrivial++; }
            assertTrue(Math.abs(num - an) < absTol || rel < relTol, what + "param " + i + ": analytic " + an + " numeric " + num);
            checked++;
        }
        return new Result(worst, nonTrivial, checked);
    }
}
