package jepa.analysis;

import java.util.Arrays;

/**
 * The empirical largest bisimulation of seed 002 (App. B.1, Def. 4) of a transition data set D of tuples
 * (s, a, p(s), s'): states and actions are int ids, p is the auxiliary value (the reward), compared exactly.
 * O_D are the states that occur as sources. R* is the least fixed point of
 * F_D(R) = {(x, y) ∈ O_D² : p(x) ≠ p(y)} ∪ {(x, y) ∈ O_D² : ∃ a co-observed from x and y with (f(x, a), f(y, a)) ∈ R},
 * the pairs the data certifies as non-bisimilar; B* = O_D² \ R* is the empirical largest bisimulation. By Theorem 3
 * a P-JEPA model well-trained on D maps every pair in R* to distinct embeddings.
 * <p>
 * For continuous actions, pass the action's effect class (e.g. inc / dec / no-op) as the action id.
 * <p>
 * Should a state have several recorded successors under one action (the data is not deterministic), a pair is
 * certified when any successor pair is: still sound for Theorem 3, since a model well-trained on D must embed all
 * successors of (x, a) alike. If that certifies a state against itself, no model can be well-trained on D, B* is not
 * reflexive and {@link Result#classOf} is null.
 * <p>
 * Computation: R* is built by worklist propagation from the reward-disagreeing pairs backwards along the
 * predecessor lists of each action, each pair entering once, as a bit in an N×N matrix; BFS order gives the round
 * t at which each pair enters R^(t). Memory ~N²/8 bytes plus 4 bytes per certified pair; N ≤ 46340.
 */
public final class Bisimulation {
    private Bisimulation() {}

    /** The largest number of states: pair codes x·N + y must fit an int. */
    public static final int MAX_STATES = 46340;

    /** The fixed point and what it says. */
    public static final class Result {
        private final int states, rounds, classes;
        private final boolean[] source;
        private final long[] bits;
        private final long certifiedPairs, selfCertified;
        private final int[] classOf;

        private Result(int states, boolean[] source, long[] bits, long certifiedPairs, long selfCertified, int rounds) {
            this.states = states;
            this.source = source;
            this.bits = bits;
            this.certifiedPairs = certifiedPairs;
            this.selfCertified = selfCertified;
            this.rounds = rounds;
            this.classOf = selfCertified == 0 ? partition() : null;
            this.classes = classOf == null ? -1 : Arrays.stream(classOf).max().orElse(-1) + 1;
        }

        /** The number of state ids (sources or not). */
        public int states() { return states; }

        /** Whether s occurs as a source (s ∈ O_D). */
        public boolean source(int s) { return source[s]; }

        /** The number of sources |O_D|. */
        public int sources() {
            int n = 0;
            for (boolean b : source) if (b) n++;
            return n;
        }

        /** Whether (x, y) ∈ R*: the data certifies x and y as non-bisimilar (false unless both are sources). */
        public boolean certified(int x, int y) { return bit(bits, states, x, y); }

        /** |R*| counted as unordered pairs {x, y}, x ≠ y (the ordered count is twice this). */
        public long certifiedPairs() { return certifiedPairs; }

        /** States certified non-bisimilar to themselves (only with non-deterministic data; 0 otherwise). */
        public long selfCertified() { return selfCertified; }

        /** The number of rounds t until R^(t) = R* (0 when R* is empty). */
        public int rounds() { return rounds; }

        /** Whether B* is an equivalence relation on O_D. */
        public boolean isEquivalence() { return classOf != null; }

        /** Per state its class in O_D / B* (numbered in order of the smallest member; −1 for non-sources), or null
         *  when B* is not an equivalence relation. */
        public int[] classOf() { return classOf == null ? null : classOf.clone(); }

        /** The number of classes, or −1 when B* is not an equivalence relation. */
        public int classes() { return classes; }

        /** Classes when B* is transitive: each source's class is the set of sources it is not certified against. */
        private int[] partition() {
            int[] cls = new int[states], members = new int[states];
            Arrays.fill(cls, -1);
            int next = 0;
            for (int x = 0; x < states; x++) {
                if (!source[x] || cls[x] >= 0) continue;
                int c = next++, m = 0;
                for (int y = 0; y < states; y++) {
                    if (!source[y] || certified(x, y)) continue;
                    if (cls[y] >= 0) return null;          // y ~ x and y ~ its earlier class, yet x is not in that class
                    cls[y] = c;
                    members[m++] = y;
                }
                for (int i = 0; i < m; i++)
                    for (int j = i + 1; j < m; j++) if (certified(members[i], members[j])) return null;
            }
            return cls;
        }
    }

    /** R* of a transition data set. */
    public static Result solve(Transitions d) { return solve(d.states(), d.actions(), d.source(), d.action(), d.aux(), d.next()); }

    /**
     * R* of the transitions (source[i], action[i], aux[i], next[i]), i = 0..n−1, over state ids 0..states−1 and action
     * ids 0..actions−1; aux[i] is p(source[i]) and must agree between rows of the same source.
     */
    public static Result solve(int states, int actions, int[] source, int[] action, double[] aux, int[] next) {
        int n = source.length;
        if (action.length != n || aux.length != n || next.length != n)
            throw new IllegalArgumentException("source, action, aux and next must have the same length");
        if (states < 1 || states > MAX_STATES) throw new IllegalArgumentException("states must be in [1, " + MAX_STATES + "], got " + states);
        if (actions < 1) throw new IllegalArgumentException("actions must be >= 1, got " + actions);
        boolean[] isSource = new boolean[states];
        double[] p = new double[states];
        for (int i = 0; i < n; i++) {
            int s = source[i];
            check(s, states, "source", i);
            check(next[i], states, "next", i);
            check(action[i], actions, "action", i);
            if (isSource[s] && Double.compare(p[s], aux[i]) != 0)
                throw new IllegalArgumentException("state " + s + " has two auxiliary values, " + p[s] + " and " + aux[i]);
            isSource[s] = true;
            p[s] = aux[i];
        }
        Predecessors pred = new Predecessors(states, actions, source, action, next);

        long[] bits = new long[(int) (((long) states * states + 63) >>> 6)];
        IntQueue queue = new IntQueue();
        long pairs = 0, self = 0;
        // round 1: auxiliary disagreement
        for (int x = 0; x < states; x++) {
            if (!isSource[x]) continue;
            for (int y = x + 1; y < states; y++)
                if (isSource[y] && Double.compare(p[x], p[y]) != 0) {
                    set(bits, states, x, y);
                    queue.add(x * states + y);
                    pairs++;
                }
        }
        // later rounds: a certified pair (u, v) certifies every (x, y) with x →a u and y →a v
        int rounds = queue.size() > 0 ? 1 : 0, roundEnd = queue.size();
        while (queue.hasNext()) {
            if (queue.head() == roundEnd) {
                rounds++;
                roundEnd = queue.size();
            }
            int code = queue.next(), u = code / states, v = code % states;
            for (int a = 0; a < actions; a++) {
                int u0 = pred.start(a, u), u1 = pred.end(a, u), v0 = pred.start(a, v), v1 = pred.end(a, v);
                if (u0 == u1 || v0 == v1) continue;
                for (int i = u0; i < u1; i++) {
                    int x = pred.source(i);
                    for (int j = v0; j < v1; j++) {
                        int y = pred.source(j);
                        if (bit(bits, states, x, y)) continue;
                        set(bits, states, x, y);
                        queue.add(Math.min(x, y) * states + Math.max(x, y));
                        if (x == y) self++;
                        else pairs++;
                    }
                }
            }
        }
        return new Result(states, isSource, bits, pairs, self, rounds);
    }

    private static void check(int id, int bound, String what, int row) {
        if (id < 0 || id >= bound) throw new IllegalArgumentException(what + " id " + id + " of transition " + row + " is outside [0, " + bound + ")");
    }

    /** Sets (x, y) and (y, x). */
    private static void set(long[] bits, int n, int x, int y) {
        long i = (long) x * n + y, j = (long) y * n + x;
        bits[(int) (i >>> 6)] |= 1L << i;
        bits[(int) (j >>> 6)] |= 1L << j;
    }

    private static boolean bit(long[] bits, int n, int x, int y) {
        long i = (long) x * n + y;
        return (bits[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    /** Per action a and state s', the distinct sources x with a recorded transition x →a s' (CSR layout). */
    private static final class Predecessors {
        private final int states;
        private final int[] offsets, sources;

        Predecessors(int states, int actions, int[] source, int[] action, int[] next) {
            this.states = states;
            int n = source.length;
            long[] keys = new long[n];                   // (a, s', x) sorted: groups by (a, s'), drops duplicate rows
            for (int i = 0; i < n; i++) keys[i] = ((long) action[i] * states + next[i]) * states + source[i];
            Arrays.sort(keys);
            int m = 0;
            for (int i = 0; i < n; i++) if (i == 0 || keys[i] != keys[i - 1]) keys[m++] = keys[i];
            offsets = new int[actions * states + 1];
            sources = new int[m];
            for (int i = 0; i < m; i++) {
                int group = (int) (keys[i] / states);
                sources[i] = (int) (keys[i] % states);
                offsets[group + 1]++;
            }
            for (int g = 0; g < actions * states; g++) offsets[g + 1] += offsets[g];
        }

        int start(int a, int s) { return offsets[a * states + s]; }
        int end(int a, int s) { return offsets[a * states + s + 1]; }
        int source(int i) { return sources[i]; }
    }

    /** A growable FIFO of ints that keeps what it has handed out (head() is the count handed out). */
    private static final class IntQueue {
        private int[] items = new int[1024];
        private int size, head;

        void add(int v) {
            if (size == items.length) items = Arrays.copyOf(items, Math.max(items.length * 2, 1024));
            items[size++] = v;
        }

        boolean hasNext() { return head < size; }
        int next() { return items[head++]; }
        int head() { return head; }
        int size() { return size; }
    }
}
