package jepa.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** symlog/symexp values, inverse, and derivatives against central finite differences (double). */
class SymlogTest {

    @Test
    void valuesAndInverse() {
        assertEquals(0.0, Symlog.symlog(0));
        assertEquals(1.0, Symlog.symlog(Math.E - 1), 1e-15);
        assertEquals(-1.0, Symlog.symlog(1 - Math.E), 1e-15);
        assertEquals(Math.log(101), Symlog.symlog(100), 1e-15);
        for (double x = -50; x <= 50; x += 0.37) {
            assertEquals(x, Symlog.symlog(Symlog.symexp(x)), 1e-12 * Math.max(1, Math.abs(x)));
            assertEquals(x, Symlog.symexp(Symlog.symlog(x)), 1e-12 * Math.max(1, Math.abs(x)));
            assertEquals(-Symlog.symlog(x), Symlog.symlog(-x), 0.0, "odd");
        }
        assertEquals(1e-300, Symlog.symlog(1e-300), 0.0, "log1p keeps tiny values exact");
    }

    @Test
    void derivativesMatchFiniteDifferences() {
        double h = 1e-6;
        for (double x = -12; x <= 12; x += 0.173) {
            double num = (Symlog.symlog(x + h) - Symlog.symlog(x - h)) / (2 * h);
            assertEquals(num, Symlog.symlogDerivative(x), 1e-8, "symlog' at " + x);
            double numExp = (Symlog.symexp(x + h) - Symlog.symexp(x - h)) / (2 * h);
            assertEquals(numExp, Symlog.symexpDerivative(x), 1e-7 * Symlog.symexpDerivative(x), "symexp' at " + x);
        }
    }
}
