package jepa.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PyTorch bilinear, align_corners = False, 54 → 28: hand values, and the SameDiff/ND4J matmul form = the plain formula. */
class BilinearResizeTest {

    @Test
    void interpolationWeightsAreTorchsAlignCornersFalse() {
        double[][] m = BilinearResize.matrix(54, 28);
        // output 0: s = 0.5·54/28 − 0.5 = 0.4642857 → rows 0 and 1 with weights 0.5357, 0.4643
        assertEquals(1 - 13.0 / 28, m[0][0], 1e-12);
        assertEquals(13.0 / 28, m[0][1], 1e-12);
        // output 27: s = 27.5·54/28 − 0.5 = 52.5357 → rows 52 and 53, weight of 53 = 15/28
        assertEquals(1 - 15.0 / 28, m[27][52], 1e-12);
        assertEquals(15.0 / 28, m[27][53], 1e-12);
        for (double[] row : m) assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-12);
        // upsampling clamps at the border: 2 → 4, output 0 has s = −0.25 → 0, i.e. exactly pixel 0
        double[][] up = BilinearResize.matrix(2, 4);
        assertEquals(1.0, up[0][0], 1e-12);
        assertEquals(0.75, up[1][0], 1e-12);
        assertEquals(1.0, up[3][1], 1e-12);
    }

    @Test
    void matmulFormsEqualThePlainFormula() {
        Random r = new Random(3);
        int n = 3;
        double[][][] x = new double[n][54][54];
        for (double[][] a : x) for (double[] row : a) for (int j = 0; j < 54; j++) row[j] = r.nextGaussian();
        INDArray arr = Nd4j.createFromArray(x);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.var("x", arr);
        SDVariable out = BilinearResize.apply(sd, in, 54, 28);
        INDArray y = out.eval();
        INDArray y2 = BilinearResize.apply(arr, 54, 28);
        double worst = 0;
        for (int k = 0; k < n; k++) {
            double[][] ref = BilinearResize.resize(x[k], 28);
            for (int i = 0; i < 28; i++)
                for (int j = 0; j < 28; j++) {
                    worst = Math.max(worst, Math.abs(y.getDouble(k, i, j) - ref[i][j]));
                    assertEquals(ref[i][j], y2.getDouble(k, i, j), 1e-12);
                }
        }
        assertEquals(0, worst, 1e-12);
        assertEquals(DataType.DOUBLE, y.dataType());
    }
}
