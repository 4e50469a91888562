package jepa.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The Theorem 3 check on the count quotient with hand-made embeddings. */
class CollapseCheckTest {

    /** Count quotient with two observations per count: state 2k + i has count k (i = 0, 1); actions inc, dec. */
    static Bisimulation.Result twoPerCount() {
        int n = 18;
        int[] s = new int[2 * n], a = new int[2 * n], t = new int[2 * n];
        double[] p = new double[2 * n];
        for (int x = 0; x < n; x++) {
            int k = x / 2, i = x % 2;
            for (int act = 0; act < 2; act++) {
                int r = 2 * x + act;
                s[r] = x;
                a[r] = act;
                p[r] = k == 4 ? 1 : 0;
                int k2 = act == 0 ? Math.min(k + 1, 8) : Math.max(k - 1, 0);
                t[r] = 2 * k2 + (1 - i);                   // successors swap the copy: only counts matter
            }
        }
        return Bisimulation.solve(n, 2, s, a, p, t);
    }

    @Test
    void clusteredEmbeddingsKeepCertifiedPairsApart() {
        Bisimulation.Result r = twoPerCount();
        assertEquals(9, r.classes());
        float[][] e = new float[18][];
        for (int x = 0; x < 18; x++) e[x] = new float[]{x / 2 * 3f, x % 2 * 0.5f};   // counts 3 apart, copies 0.5 apart
        CollapseCheck c = CollapseCheck.of(r, e);
        assertEquals(9 * 8 / 2 * 4, c.certifiedPairs());
        assertEquals(9, c.withinClassPairs());
        assertEquals(3.0, c.minCertified(), 1e-6, "the nearest certified pairs: neighbouring counts, same copy");
        assertEquals(0.5, c.medianWithinClass(), 1e-7);
        assertTrue(c.separationRatio() > 1);
    }

    @Test
    void aCollapsedCertifiedPairShowsAsZeroDistance() {
        Bisimulation.Result r = twoPerCount();
        float[][] e = new float[18][];
        for (int x = 0; x < 18; x++) e[x] = new float[]{x, 0};
        e[9] = e[6].clone();                              // count 4 (copy 1) on top of count 3 (copy 0)
        CollapseCheck c = CollapseCheck.of(r, e);
        assertEquals(0, c.minCertified());
        assertEquals(6, Math.min(c.closestX(), c.closestY()));
        assertEquals(9, Math.max(c.closestX(), c.closestY()));
    }

    @Test
    void missingEmbeddingsOfSourcesAreErrors() {
        Bisimulation.Result r = twoPerCount();
        assertThrows(IllegalArgumentException.class, () -> CollapseCheck.of(r, new float[17][2]));
        float[][] e = new float[18][2];
        e[3] = null;
        assertThrows(IllegalArgumentException.class, () -> CollapseCheck.of(r, e));
    }
}
