package jepa.analysis;

import com.typesafe.config.ConfigFactory;
import jepa.settings.CountingConfig;
import jepa.config.JepaConfig;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Def. 4 on hand-made MDPs with known answers, on the count quotient (Prop. 2), against a literal fixed-point iteration, and on raw counting data. */
class BisimulationTest {

    /** Transitions (s, a, p(s), s'), added one by one. */
    static final class Data {
        final List<int[]> rows = new ArrayList<>();
        final List<Double> aux = new ArrayList<>();

        Data add(int s, int a, double p, int next) {
            rows.add(new int[]{s, a, next});
            aux.add(p);
            return this;
        }

        Bisimulation.Result solve(int states, int actions) {
            int n = rows.size();
            int[] s = new int[n], a = new int[n], t = new int[n];
            double[] p = new double[n];
            for (int i = 0; i < n; i++) { s[i] = rows.get(i)[0]; a[i] = rows.get(i)[1]; t[i] = rows.get(i)[2]; p[i] = aux.get(i); }
            return Bisimulation.solve(states, actions, s, a, p, t);
        }
    }

    static final int INC = 0, DEC = 1;

    @Test
    void countQuotientHasTheNineClassesOfProposition2() {
        Data d = new Data();
        for (int k = 0; k <= 8; k++) {
            double p = k == 4 ? 1 : 0;
            d.add(k, INC, p, Math.min(k + 1, 8)).add(k, DEC, p, Math.max(k - 1, 0));
        }
        Bisimulation.Result r = d.solve(9, 2);
        assertTrue(r.isEquivalence());
        assertEquals(9, r.classes());
        assertEquals(36, r.certifiedPairs(), "every pair of distinct counts is certified");
        assertEquals(0, r.selfCertified());
        int[] cls = r.classOf();
        for (int k = 0; k <= 8; k++) assertEquals(k, cls[k]);
        // (0, 8) needs four incs before only one of them sits at 4: it enters at round 5, the last
        assertEquals(5, r.rounds());

        // the same from the world's configuration, with and without the no-op action
        for (String threeWay : new String[]{"false", "true"}) {
            CountingConfig c = CountingConfig.from(ConfigFactory.parseString("counting.three-way = " + threeWay)
                    .withFallback(JepaConfig.defaults()).resolve());
            Bisimulation.Result q = Bisimulation.solve(Transitions.countQuotient(c));
            assertEquals(9, q.classes(), "three-way " + threeWay);
            assertEquals(36, q.certifiedPairs());
            assertArrayEquals(cls, q.classOf());
        }
    }

    @Test
    void twoIdenticalChainsMerge() {
        Data d = new Data();
        for (int chain = 0; chain < 2; chain++) {
            int o = 4 * chain;
            for (int i = 0; i < 4; i++) d.add(o + i, 0, i == 3 ? 1 : 0, o + Math.min(i + 1, 3));
        }
        Bisimulation.Result r = d.solve(8, 1);
        assertEquals(4, r.classes());
        int[] cls = r.classOf();
        for (int i = 0; i < 4; i++) assertEquals(cls[i], cls[4 + i], "position " + i + " of both chains is one class");
    }

    @Test
    void aRewardDifferencePropagatesBackwardsKSteps() {
        for (int k = 1; k <= 6; k++) {
            Data d = new Data();
            int y = k + 1;                                                    // x_i = i, y_i = k + 1 + i
            for (int i = 0; i <= k; i++) {
                d.add(i, 0, i == k ? 1 : 0, Math.min(i + 1, k));
                d.add(y + i, 0, 0, y + Math.min(i + 1, k));
            }
            Bisimulation.Result r = d.solve(2 * (k + 1), 1);
            for (int i = 0; i <= k; i++) assertTrue(r.certified(i, y + i) && r.certified(y + i, i), "x_" + i + " vs y_" + i);
            assertEquals(k + 1, r.rounds(), "(x_0, y_0) enters R* at round k + 1");
            // every x_i reaches the reward in k − i steps, every y_j never: the x_i are singletons, the y_j one class
            assertEquals(k + 2, r.classes());
        }
    }

    @Test
    void aSuccessorThatIsNeverASourceCertifiesNothing() {
        Data d = new Data();
        d.add(0, 0, 0, 1).add(1, 0, 1, 1);       // x0 → x1 (reward 1, a source)
        d.add(2, 0, 0, 3);                       // y0 → y1, and y1 never occurs as a source
        Bisimulation.Result r = d.solve(4, 1);
        assertFalse(r.source(3));
        assertFalse(r.certified(0, 2), "(x1, y1) ∉ R* because y1 ∉ O_D");
        assertTrue(r.certified(1, 2));
        assertFalse(r.certified(1, 3), "non-sources are never certified");
    }

    @Test
    void actionsObservedFromOnlyOneSideDoNotCertify() {
        Data d = new Data();
        d.add(2, 0, 1, 2).add(2, 1, 1, 2);       // x' (reward 1) and y' (reward 0) loop under both actions
        d.add(3, 0, 0, 3).add(3, 1, 0, 3);
        d.add(0, 0, 0, 2);                       // x: only action 0, to x'
        d.add(1, 1, 0, 3);                       // y: only action 1, to y'
        Bisimulation.Result r = d.solve(4, 2);
        assertTrue(r.certified(2, 3));
        assertFalse(r.certified(0, 1), "no co-observed action: x and y stay bisimilar in the data");
        assertTrue(r.certified(0, 3), "x and y' share action 0, whose successors x' and y' differ");
        assertFalse(r.certified(1, 3));
        assertFalse(r.isEquivalence(), "x ~ y and y ~ y', yet x ≁ y'");
    }

    @Test
    void coObservedActionCertifies() {
        Data d = new Data();
        d.add(2, 0, 1, 2).add(3, 0, 0, 3).add(0, 0, 0, 2).add(1, 0, 0, 3);
        Bisimulation.Result r = d.solve(4, 1);
        assertTrue(r.certified(0, 1));
        assertEquals(3, r.classes(), "{x}, {x'}, {y, y'}: y and y' both have reward 0 and lead to y'");
        assertEquals(r.classOf()[1], r.classOf()[3]);
    }

    @Test
    void intransitiveDataHasNoClasses() {
        Data d = new Data();
        d.add(3, 0, 1, 3).add(4, 0, 0, 4);       // s1 (reward 1), s2 (reward 0)
        d.add(0, 0, 0, 3);                       // x →0 s1
        d.add(2, 0, 0, 4);                       // z →0 s2
        d.add(1, 1, 0, 1);                       // y: only action 1, so y ~ x and y ~ z, while x ≁ z
        Bisimulation.Result r = d.solve(5, 2);
        assertTrue(r.certified(0, 2));
        assertFalse(r.certified(0, 1));
        assertFalse(r.certified(1, 2));
        assertFalse(r.isEquivalence());
        assertNull(r.classOf());
        assertEquals(-1, r.classes());
    }

    @Test
    void twoSuccessorsOfOneActionThatDifferMakeTheDataInconsistent() {
        Data d = new Data();
        d.add(1, 0, 1, 1).add(2, 0, 0, 2).add(0, 0, 0, 1).add(0, 0, 0, 2);
        Bisimulation.Result r = d.solve(3, 1);
        assertEquals(1, r.selfCertified());
        assertTrue(r.certified(0, 0));
        assertNull(r.classOf());
    }

    @Test
    void aStateWithTwoAuxiliaryValuesIsAnError() {
        Data d = new Data().add(0, 0, 0, 1).add(0, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> d.solve(2, 2));
    }

    @Test
    void matchesTheLiteralFixedPointIterationOnRandomData() {
        SplittableRandom rng = new SplittableRandom(12);
        int equivalences = 0, checked = 0;
        for (int trial = 0; trial < 400; trial++) {
            int n = 2 + rng.nextInt(24), actions = 1 + rng.nextInt(3), values = 1 + rng.nextInt(3);
            boolean deterministic = trial % 4 != 0;
            double[] p = new double[n];
            for (int s = 0; s < n; s++) p[s] = rng.nextInt(values);
            Data d = new Data();
            for (int s = 0; s < n; s++)
                for (int a = 0; a < actions; a++) {
                    if (rng.nextDouble() < 0.35) continue;                 // partial coverage
                    int copies = deterministic ? 1 : 1 + rng.nextInt(2);
                    for (int c = 0; c < copies; c++) d.add(s, a, p[s], rng.nextInt(n));
                }
            if (d.rows.isEmpty()) continue;
            Bisimulation.Result r = d.solve(n, actions);
            Set<Long> expected = new HashSet<>();
            int rounds = literal(d, n, expected);
            long pairs = 0, self = 0;
            for (int x = 0; x < n; x++)
                for (int y = 0; y < n; y++) {
                    assertEquals(expected.contains((long) x * n + y), r.certified(x, y), "trial " + trial + " pair " + x + "," + y);
                    if (expected.contains((long) x * n + y)) { if (x < y) pairs++; else if (x == y) self++; }
                }
            assertEquals(pairs, r.certifiedPairs());
            assertEquals(self, r.selfCertified());
            assertEquals(rounds, r.rounds(), "trial " + trial);
            if (deterministic) assertEquals(0, r.selfCertified());
            // B* = sources² \ R* is an equivalence iff reflexive and transitive; then same class ⇔ not certified
            boolean equivalence = true;
            for (int x = 0; x < n; x++)
                for (int y = 0; y < n; y++)
                    for (int z = 0; z < n; z++) {
                        if (!r.source(x) || !r.source(y) || !r.source(z)) continue;
                        if (r.certified(x, x) || (!r.certified(x, y) && !r.certified(y, z) && r.certified(x, z))) equivalence = false;
                    }
            assertEquals(equivalence, r.isEquivalence(), "trial " + trial);
            if (equivalence) {
                equivalences++;
                int[] cls = r.classOf();
                for (int x = 0; x < n; x++)
                    for (int y = 0; y < n; y++)
                        if (r.source(x) && r.source(y)) assertEquals(!r.certified(x, y), cls[x] == cls[y]);
                        else if (!r.source(x)) assertEquals(-1, cls[x]);
            }
            checked++;
        }
        assertTrue(equivalences > 40 && checked - equivalences > 40, "both cases occur: " + equivalences + " of " + checked);
    }

    /** Def. 4 as written: R(t+1) = F_D(R(t)) from ∅ over ordered pairs until it stops changing; returns the rounds. */
    private static int literal(Data d, int n, Set<Long> r) {
        boolean[] src = new boolean[n];
        double[] p = new double[n];
        for (int i = 0; i < d.rows.size(); i++) { src[d.rows.get(i)[0]] = true; p[d.rows.get(i)[0]] = d.aux.get(i); }
        int rounds = 0;
        while (true) {
            Set<Long> next = new HashSet<>();
            for (int x = 0; x < n; x++)
                for (int y = 0; y < n; y++) {
                    if (!src[x] || !src[y]) continue;
                    boolean in = p[x] != p[y];
                    for (int[] tx : d.rows) {
                        if (in) break;
                        if (tx[0] != x) continue;
                        for (int[] ty : d.rows)
                            if (ty[0] == y && ty[1] == tx[1] && r.contains((long) tx[2] * n + ty[2])) { in = true; break; }
                    }
                    if (in) next.add((long) x * n + y);
                }
            if (next.equals(r)) return rounds;
            r.clear();
            r.addAll(next);
            rounds++;
        }
    }

    @Test
    void rawCountingObservationsAreNeverCertifiedApartWithinACount() {
        // every observation row is its own state; the action is its effect class (Transitions.DEC / INC)
        CountingConfig c = CountingConfig.from(ConfigFactory.parseString("counting { episode-length = 12 }")
                .withFallback(JepaConfig.defaults()).resolve());
        CountingWorld w = new CountingWorld(c);
        List<CountingWorld.Episode> episodes = new ArrayList<>();
        List<CountingWorld.Step> all = new ArrayList<>();
        for (long id = 0; all.size() < 4000; id++) {
            episodes.add(w.counts(1, Split.TRAIN, id));
            all.addAll(episodes.get(episodes.size() - 1).steps());
        }
        Transitions d = Transitions.of(w, episodes);
        assertEquals(all.size(), d.states());
        assertEquals(all.size() - episodes.size(), d.source().length, "every row but each episode's last is a source");
        for (int i = 0; i < d.source().length; i++) {
            CountingWorld.Step from = all.get(d.source()[i]), to = all.get(d.next()[i]);
            assertEquals(from.nextCount(), to.count());
            assertEquals(from.episode(), to.episode());
            assertEquals(from.nextCount() > from.count() || (from.count() == 8 && from.action() >= 0) ? Transitions.INC : Transitions.DEC, d.action()[i]);
            assertEquals(from.reward(), d.aux()[i]);
        }
        long start = System.nanoTime();
        Bisimulation.Result r = Bisimulation.solve(d);
        double seconds = (System.nanoTime() - start) / 1e9;
        long crossCount = 0, rewardDiffers = 0;
        for (int x = 0; x < all.size(); x++) {
            if (!r.source(x)) continue;
            for (int y = x + 1; y < all.size(); y++) {
                if (!r.source(y)) continue;
                boolean same = all.get(x).count() == all.get(y).count();
                assertFalse(same && r.certified(x, y), "Prop. 2: observations with one count are never certified apart");
                if (!same) crossCount++;
                if (all.get(x).reward() != all.get(y).reward()) rewardDiffers++;
            }
        }
        System.out.printf("raw counting data: %d observations, %d sources, |R*| = %d of %d cross-count pairs (%d by reward alone), "
                + "%d rounds, B* an equivalence: %s, %.2f s%n", all.size(), r.sources(), r.certifiedPairs(), crossCount,
                rewardDiffers, r.rounds(), r.isEquivalence(), seconds);
        assertTrue(r.certifiedPairs() > rewardDiffers, "successor disagreement certifies beyond the reward");
        assertTrue(r.rounds() > 2);
        assertTrue(seconds < 20, "a few thousand observations take seconds, took " + seconds);
    }
}
