package jepa.method;

import jepa.probe.Predictor;

/** A method without a network: its predictions of the dot locations are fixed (Center). */
public interface Baseline extends Method {
    @Override default boolean trains() { return false; }

    /** The predictor scored on the test split in place of a fitted probe, for a world of {@code dots} dots. */
    Predictor predictor(int dots);

    /** The solver name its metrics rows carry. */
    default String solver() { return "none"; }
}
