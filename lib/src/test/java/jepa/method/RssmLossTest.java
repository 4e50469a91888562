package jepa.method;

import jepa.nn.BilinearResize;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RSSM's KL, softplus and loss, in plain SameDiff (double) against plain-Java references. */
class RssmLossTest {

    /** KL(p‖q) of two 1-D normals (std parametrisation) by numerical integration of p·log(p/q). */
    static double klByQuadrature(double mp, double sp, double mq, double sq) {
        double lo = mp - 12 * sp, hi = mp + 12 * sp, sum = 0;
        int n = 200_000;
        double dx = (hi - lo) / n;
        for (int i = 0; i < n; i++) {
            double x = lo + (i + 0.5) * dx;
            double lp = -0.5 * Math.pow((x - mp) / sp, 2) - Math.log(sp) - 0.5 * Math.log(2 * Math.PI);
            double lq = -0.5 * Math.pow((x - mq) / sq, 2) - Math.log(sq) - 0.5 * Math.log(2 * Math.PI);
            sum += Math.exp(lp) * (lp - lq) * dx;
        }
        return sum;
    }

    @Test
    void klIsPriorAgainstPosteriorInClosedForm() {
        double[][] cases = {{0.3, 0.7, -0.2, 1.4}, {1.5, 0.2, 0.0, 0.5}, {0.0, 2.0, 0.1, 0.3}};
        SameDiff sd = SameDiff.create();
        INDArray[] cols = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            double[] v = new double[cases.length];
            for (int i = 0; i < cases.length; i++) v[i] = cases[i][k];
            cols[k] = Nd4j.createFromArray(new double[][]{v});
        }
        INDArray kl = RssmVertex.kl(sd, sd.constant(cols[0]), sd.constant(cols[1]), sd.constant(cols[2]), sd.constant(cols[3])).eval();
        for (int i = 0; i < cases.length; i++) {
            double[] c = cases[i];
            double ref = klByQuadrature(c[0], c[1], c[2], c[3]);
            assertEquals(ref, kl.getDouble(0, i), 1e-6, "KL(p||q) case " + i);
            assertTrue(Math.abs(klByQuadrature(c[2], c[3], c[0], c[1]) - ref) > 1e-2, "not symmetric: the direction is tested");
        }
    }

    @Test
    void softplusIsTorchsWithoutOverflow() {
        SameDiff sd = SameDiff.create();
        INDArray x = Nd4j.createFromArray(0.0, 1.0, 5.0, 30.0, 800.0);
        INDArray y = RssmVertex.softplus(sd, sd.constant(x)).eval();
        assertEquals(Math.log(2), y.getDouble(0), 1e-15);
        assertEquals(Math.log1p(Math.E), y.getDouble(1), 1e-15);
        assertEquals(Math.log1p(Math.exp(5)), y.getDouble(2), 1e-13);
        assertEquals(30.0, y.getDouble(3), 1e-12);                    // torch: x for x > 20
        assertEquals(800.0, y.getDouble(4), 1e-9);
    }

    /** x [B, 2916 + 2D, T] with KL entries whose per-step means are 1 + t/4 (below 3 for t < 8, above after). */
    private static INDArray input(int b, int d, int t) {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, RssmLoss.PIX + 2L * d, t);
        for (int s = 0; s < t; s++) {
            INDArray kl = x.get(NDArrayIndex.all(), NDArrayIndex.interval(RssmLoss.PIX, RssmLoss.PIX + d), NDArrayIndex.point(s));
            kl.assign(Nd4j.rand(DataType.DOUBLE, b, d).muli(0.2).addi(1 + s / 4.0 - 0.1));
        }
        return x;
    }

    @Test
    void lossMatchesPlainReferenceAndFreeNatsCutTheGradient() {
        int b = 3, d = 5, t = 17;
        INDArray xArr = input(b, d, t);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, b, 784, t);
        RssmLoss layer = new RssmLoss(d, 1, t, 3.0);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", xArr);
        SDVariable l = layer.defineLayer(sd, x, sd.constant(labels), Map.of());
        double bl = l.eval().getDouble(0);

        // plain Java: resize each decoded frame, MSE, per-step KL means floored at 3, divided by 16
        double se = 0;
        for (int i = 0; i < b; i++)
            for (int s = 0; s < t; s++) {
                double[][] img = new double[54][54];
                for (int p = 0; p < 54 * 54; p++) img[p / 54][p % 54] = xArr.getDouble(i, p, s);
                double[][] r = BilinearResize.resize(img, 28);
                for (int p = 0; p < 784; p++) se += Math.pow(r[p / 28][p % 28] - labels.getDouble(i, p, s), 2);
            }
        double rec = se / (b * t * 784.0), kl = 0;
        for (int s = 1; s < t; s++) {
            double m = 0;
            for (int i = 0; i < b; i++) for (int k = 0; k < d; k++) m += xArr.getDouble(i, RssmLoss.PIX + k, s);
            kl += Math.max(m / (b * d), 3.0);
        }
        double expected = (t * rec + kl) / (t - 1);
        assertEquals(b * expected, bl, 1e-9 * bl, "the layer returns B·L");
        assertEquals(expected, layer.terms(xArr, labels).total(), 1e-9 * expected);

        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "x");
        INDArray gx = g.get("x");
        for (int s = 1; s < t; s++) {
            INDArray gk = gx.get(NDArrayIndex.all(), NDArrayIndex.interval(RssmLoss.PIX, RssmLoss.PIX + d), NDArrayIndex.point(s));
            double mean = xArr.get(NDArrayIndex.all(), NDArrayIndex.interval(RssmLoss.PIX, RssmLoss.PIX + d), NDArrayIndex.point(s)).meanNumber().doubleValue();
            if (mean < 3) assertEquals(0.0, gk.norm2Number().doubleValue(), 0.0, "below the floor, step " + s);
            else assertEquals(b / ((t - 1.0) * b * d), gk.getDouble(0, 0), 1e-12, "above: ∂(B·L)/∂kl = B/(16·B·D), step " + s);
        }
        INDArray g0 = gx.get(NDArrayIndex.all(), NDArrayIndex.interval(RssmLoss.PIX, RssmLoss.PIX + d), NDArrayIndex.point(0));
        assertEquals(0.0, g0.norm2Number().doubleValue(), 0.0, "t = 0 has no KL term");
        INDArray roll = gx.get(NDArrayIndex.all(), NDArrayIndex.interval(RssmLoss.PIX + d, RssmLoss.PIX + 2 * d), NDArrayIndex.all());
        assertEquals(0.0, roll.norm2Number().doubleValue(), 0.0, "the rollout block does not enter the loss");
    }
}
