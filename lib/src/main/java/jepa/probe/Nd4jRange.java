package jepa.probe;

import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Index helpers: a block of leading rows of a rank-3 or rank-4 array. */
final class Nd4jRange {
    private Nd4jRange() {}

    static INDArrayIndex[] rows(int from, int to) {
        return new INDArrayIndex[]{NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all()};
    }

    static INDArrayIndex[] rows4(int from, int to) {
        return new INDArrayIndex[]{NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
    }
}
