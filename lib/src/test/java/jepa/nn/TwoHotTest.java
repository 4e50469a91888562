package jepa.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The two-hot encoding against TD-MPC2's formula, its mean, and decoding. */
class TwoHotTest {
    static final TwoHot T = TwoHot.tdmpc2();

    /** TD-MPC2's two_hot transliterated literally (floor index, weight to (idx + 1) mod bins), in double. */
    static double[] reference(double r) {
        double x = Math.max(-10, Math.min(10, Math.signum(r) * Math.log(1 + Math.abs(r))));
        double binSize = 20.0 / 100;
        double idx = Math.floor((x + 10) / binSize), off = (x + 10) / binSize - idx;
        double[] t = new double[101];
        t[(int) idx] = 1 - off;
        t[((int) idx + 1) % 101] = off;
        return t;
    }

    @Test
    void matchesTdMpc2AndHasTheTargetAsItsMean() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] special = {0, 1, -1, 0.5, 4, 1e-9, -1e-9, Math.expm1(10), -Math.expm1(10), 1e6, -1e6, Math.expm1(0.2), Math.expm1(9.8)};
        for (int i = 0; i < 2000 + special.length; i++) {
            double r = i < special.length ? special[i] : Math.copySign(Math.expm1(rng.nextDouble() * 12), rng.nextDouble() - 0.5);
            double[] t = T.encode(r), ref = reference(r);
            for (int j = 0; j < 101; j++) assertEquals(ref[j], t[j], 1e-9, "r = " + r + " bin " + j);
            double sum = 0, mean = 0;
            int nonZero = 0;
            for (int j = 0; j < 101; j++) {
                sum += t[j];
                mean += t[j] * T.support(j);
                if (t[j] != 0) nonZero++;
                assertTrue(t[j] >= 0);
            }
            assertEquals(1, sum, 1e-12);
            assertTrue(nonZero <= 2);
            assertEquals(Math.max(-10, Math.min(10, Symlog.symlog(r))), mean, 1e-9, "r = " + r);
        }
        assertEquals(1.0, T.encode(0)[50], "0 sits on the middle bin");
        assertEquals(1.0, T.encode(1e9)[100], 1e-12, "clamped to the top bin");
        assertEquals(1.0, T.encode(-1e9)[0], 1e-12, "clamped to the bottom bin");
        assertEquals(0.2, T.binSize(), 1e-15);
    }

    @Test
    void decodingTheLogOfATargetGivesItsValueBack() {
        for (double r : new double[]{0, 1, -1, 0.3, 7.5, -42, 1000}) {
            double[] t = T.encode(r), logits = new double[101];
            for (int j = 0; j < 101; j++) logits[j] = t[j] > 0 ? Math.log(t[j]) : -1e3;
            assertEquals(r, T.decode(logits), 1e-9 * Math.max(1, Math.abs(r)));
            double[] shifted = logits.clone();
            for (int j = 0; j < 101; j++) shifted[j] += 123.0;             // softmax is shift-invariant
            assertEquals(r, T.decode(shifted), 1e-9 * Math.max(1, Math.abs(r)));
        }
        assertEquals(0, T.decode(new double[101]), 1e-12, "uniform logits: the support's mean, symexp(0)");
    }

    @Test
    void batchEncodingHasOneRowPerTarget() {
        INDArray a = T.encode(new float[]{0f, 1f, -3f}, DataType.DOUBLE);
        assertArrayEquals(new long[]{3, 101}, a.shape());
        assertArrayEquals(T.encode(-3f), a.getRow(2).toDoubleVector(), 0.0);
        double[] back = T.decode(org.nd4j.linalg.ops.transforms.Transforms.log(a.add(1e-300), false));
        assertEquals(-3.0, back[2], 1e-6);
    }
}
