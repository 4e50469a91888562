package jepa.world;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Best–Fisher sampler against the von Mises mean resultant length I1(κ)/I0(κ). */
class VonMisesTest {

    /** I_n(x) by its power series (converges fast for the small x used here). */
    static double besselI(int n, double x) {
        double sum = 0, term = Math.pow(x / 2, n);
        for (int k = 1; k <= n; k++) term /= k;
        for (int k = 0; k < 60; k++) {
            sum += term;
            term *= (x / 2) * (x / 2) / ((k + 1) * (double) (k + 1 + n));
        }
        return sum;
    }

    static double[] moments(double kappa, double loc, int n) {
        VonMises vm = new VonMises(kappa);
        SplittableRandom rng = new SplittableRandom(17);
        double c = 0, s = 0;
        for (int i = 0; i < n; i++) {
            double a = vm.sample(loc, rng);
            assertTrue(a >= -Math.PI && a < Math.PI, "wrapped to [−π, π): " + a);
            c += Math.cos(a - loc);
            s += Math.sin(a - loc);
        }
        return new double[]{c / n, s / n};
    }

    @Test
    void meanResultantLengthIsI1OverI0() {
        for (double kappa : new double[]{0.2, 1.3, 4}) {
            double[] m = moments(kappa, 2.5, 200_000);
            double expected = besselI(1, kappa) / besselI(0, kappa); // 0.0995, 0.5427, 0.8635
            assertEquals(expected, m[0], 0.005, "E cos(θ−μ) for κ = " + kappa);
            assertEquals(0, m[1], 0.005, "symmetric about μ for κ = " + kappa);
        }
        assertEquals(0.0995, besselI(1, 0.2) / besselI(0, 0.2), 1e-4);
    }

    @Test
    void kappaZeroIsUniform() {
        double[] m = moments(0, -1, 100_000);
        assertEquals(0, m[0], 0.01);
        assertEquals(0, m[1], 0.01);
        assertThrows(IllegalArgumentException.class, () -> new VonMises(-0.1));
    }

    @Test
    void proposalMatchesTorchIncludingTheSmallKappaBranch() {
        // torch: tau = 1 + √(1 + 4κ²), rho = (tau − √(2 tau))/(2κ), r = (1 + rho²)/(2 rho); for κ = 1: r = 1.6180...
        double tau = 1 + Math.sqrt(5), rho = (tau - Math.sqrt(2 * tau)) / 2;
        assertEquals((1 + rho * rho) / (2 * rho), VonMises.proposalR(1), 1e-12);
        assertEquals(1 / 1e-6 + 1e-6, VonMises.proposalR(1e-6), 1e-6);
    }
}
