package jepa.probe;

import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The exact probes' sufficient statistics over a probe-train split (reference §5.2–5.3): the normal equations of the
 * rollout probe (every step's row) and of the encoder probe (step 0, frame 1). Mergeable, so partitions of a split
 * can be folded anywhere and combined; the solution does not depend on how the rows were split up.
 */
public final class ProbeFit implements java.io.Serializable {
    private final NormalEquations rollout, encoder;

    public ProbeFit(int d, int dots) {
        rollout = new NormalEquations(d, 2 * dots);
        encoder = new NormalEquations(d, 2 * dots);
    }

    /** Adds a block of sequences' representations and targets. */
    public ProbeFit add(ProbeData p) {
        ProbeData.Flat all = p.flatten(), first = firstStep(p).flatten();
        rollout.add(all.x(), all.y());
        encoder.add(first.x(), first.y());
        return this;
    }

    public ProbeFit merge(ProbeFit o) {
        rollout.merge(o.rollout);
        encoder.merge(o.encoder);
        return this;
    }

    /** The least-squares rollout probe, shared over the 17 steps (no ridge: the reference's loss optimum). */
    public LinearProbe rollout() { return LinearProbe.of(rollout.solve(0)); }

    /** The least-squares encoder probe on frame 1. */
    public LinearProbe encoder() { return LinearProbe.of(encoder.solve(0)); }

    /** The encoder probe's data: frame 1 only (reference §5.3). */
    public static ProbeData firstStep(ProbeData p) {
        return new ProbeData(p.representations().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all()).dup('c'),
                p.targets().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all()).dup('c'));
    }
}
