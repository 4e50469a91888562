package jepa.probe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * What a probe is fitted on or evaluated against (reference §5.2–5.3): per sequence, {@code steps} representations
 * (17 for the rollout probe: index 0 the encoder output of frame 1, 1..16 the GRU rollout; 1 for the encoder probe)
 * and the dots' normalised locations at the same steps.
 *
 * @param representations [n, steps, D]
 * @param targets         [n, steps, dots, 2], already normalised: n = ((c − 2.6)/21.8 − 0.5)/√(1/12)
 */
public record ProbeData(INDArray representations, INDArray targets) {

    public ProbeData {
        if (representations == null || targets == null) throw new IllegalArgumentException("representations and targets are required");
        long[] r = representations.shape(), t = targets.shape();
        if (r.length != 3 || t.length != 4 || r[0] != t[0] || r[1] != t[1] || t[3] != 2 || r[0] < 1 || r[2] < 1 || t[2] < 1)
            throw new IllegalArgumentException("expected representations [n, steps, D] and targets [n, steps, dots, 2], got "
                    + Arrays.toString(r) + " and " + Arrays.toString(t));
    }

    /** Wraps flat arrays: reps sequence-major (seq, step, feature), targets (seq, step, dot, coordinate). */
    public static ProbeData of(float[] reps, float[] targets, int n, int steps, int d, int dots) {
        if (reps.length != (long) n * steps * d || targets.length != (long) n * steps * dots * 2)
            throw new IllegalArgumentException("array lengths " + reps.length + ", " + targets.length
                    + " do not match n=" + n + " steps=" + steps + " D=" + d + " dots=" + dots);
        return new ProbeData(Nd4j.create(reps, new long[]{n, steps, d}, 'c'),
                Nd4j.create(targets, new long[]{n, steps, dots, 2}, 'c'));
    }

    /** Targets without representations (a zero 1-d placeholder per step): what the Center baseline is evaluated on. */
    public static ProbeData targetsOnly(INDArray targets) {
        return new ProbeData(Nd4j.zeros(targets.dataType(), targets.size(0), targets.size(1), 1), targets);
    }

    public int sequences() { return (int) representations.size(0); }
    public int steps() { return (int) representations.size(1); }
    public int dim() { return (int) representations.size(2); }
    public int dots() { return (int) targets.size(2); }

    /** Sequences [from, to) as a new ProbeData (views, no copy). */
    public ProbeData slice(int from, int to) {
        return new ProbeData(representations.get(NdArrays.rows(from, to)), targets.get(NdArrays.rows4(from, to)));
    }

    /** One row per (sequence, step): X [n·steps, D], Y [n·steps, 2·dots] (column dot·2 + c), c-order copies if needed. */
    public Flat flatten() {
        long rows = (long) sequences() * steps();
        return new Flat(representations.dup('c').reshape('c', rows, dim()), targets.dup('c').reshape('c', rows, 2L * dots()));
    }

    /** The probe's design matrix and regression targets. */
    public record Flat(INDArray x, INDArray y) {}
}
