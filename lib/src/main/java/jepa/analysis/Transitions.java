package jepa.analysis;

import jepa.settings.CountingConfig;
import jepa.world.CountingWorld;

import java.util.List;

/**
 * A transition data set D = {(s, a, p(s), s')} over int state and action ids (App. B.1): row i is the transition
 * source[i] →action[i] next[i], with aux[i] = p(source[i]).
 */
public record Transitions(int states, int actions, int[] source, int[] action, double[] aux, int[] next) {

    public Transitions {
        int n = source.length;
        if (action.length != n || aux.length != n || next.length != n)
            throw new IllegalArgumentException("source, action, aux and next must have the same length");
    }

    /** Action ids of the counting world's effect classes: the continuous action's effect is the action. */
    public static final int DEC = 0, NO_OP = 1, INC = 2;

    /**
     * Raw counting observations: each row of each episode is its own state (ids in episode, then step order, so the
     * state of episode e's row t is the number of rows before it), each action its effect class (DEC, NO_OP, INC),
     * p the reward; the last row of an episode is only a successor.
     */
    public static Transitions of(CountingWorld world, List<CountingWorld.Episode> episodes) {
        int rows = 0, n = 0;
        for (CountingWorld.Episode e : episodes) {
            rows += e.steps().size();
            for (CountingWorld.Step s : e.steps()) if (s.hasTransition()) n++;
        }
        int[] src = new int[n], act = new int[n], nxt = new int[n];
        double[] p = new double[n];
        int row = 0, i = 0;
        for (CountingWorld.Episode e : episodes)
            for (CountingWorld.Step s : e.steps()) {
                if (s.hasTransition()) {
                    src[i] = row;
                    act[i] = world.effect(s.action()) + 1;
                    p[i] = s.reward();
                    nxt[i] = row + 1;
                    i++;
                }
                row++;
            }
        return new Transitions(rows, 3, src, act, p, nxt);
    }

    /**
     * The count quotient of App. C: state k = the count 0..max-count, actions INC and DEC (and NO_OP with three-way
     * actions), p(k) = 1 iff k = target.
     */
    public static Transitions countQuotient(CountingConfig c) {
        int states = c.counts(), perState = c.threeWay() ? 3 : 2, n = states * perState;
        int[] src = new int[n], act = new int[n], nxt = new int[n];
        double[] p = new double[n];
        int i = 0;
        for (int k = 0; k < states; k++)
            for (int a : c.threeWay() ? new int[]{DEC, NO_OP, INC} : new int[]{DEC, INC}) {
                src[i] = k;
                act[i] = a;
                p[i] = k == c.target() ? 1 : 0;
                nxt[i] = Math.max(0, Math.min(c.maxCount(), k + a - 1));
                i++;
            }
        return new Transitions(states, 3, src, act, p, nxt);
    }
}
