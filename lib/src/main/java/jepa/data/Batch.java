package jepa.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch in the network's layout, normalised as the reference (reference §1.7): frames [B, C·784, 17], actions of the
 * controlled dot [B, 2, 16], dot locations [B, 2·dots, 17] (channel d·2 + c, c = 0 is x), and the sequences' ids
 * (-1 where unknown; null for batches made without).
 */
public record Batch(INDArray frames, INDArray actions, INDArray locations, long[] ids) {
    /** A batch whose sequences have no ids (tests, benchmarks). */
    public Batch(INDArray frames, INDArray actions, INDArray locations) { this(frames, actions, locations, null); }

    public int size() { return (int) frames.size(0); }

    /** The dot locations as probe targets: [n, 17, dots, 2]. */
    public INDArray probeTargets() {
        long n = size(), t = locations.size(2), k = locations.size(1);
        return locations.permute(0, 2, 1).dup('c').reshape('c', n, t, k / 2, 2);
    }
}
