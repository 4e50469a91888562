package jepa.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A batch of counting-world transitions (o, a, o′) in the encoder's layout: frames [B, 3, S, S] holding o, or [2B, 3, S,
 * S] holding o then o′ (one encoder sees both, stacked); pixels in [−0.5, 0.5]. actions [B, 1] in [−1, 1], rewards
 * p(o) = 1{count(o) = n}, counts of o.
 */
public record CountingBatch(INDArray frames, INDArray actions, float[] rewards, int[] counts) {

    public int size() { return counts.length; }

    /** Whether o′ is in the frames. */
    public boolean withNext() { return frames.size(0) == 2L * size(); }

    /** The observations o: [B, 3, S, S] (a view when o′ follows). */
    public INDArray observations() {
        return withNext() ? frames.get(NDArrayIndex.interval(0, size()), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()) : frames;
    }
}
