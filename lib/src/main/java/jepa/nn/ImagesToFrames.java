package jepa.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The encoder's output step, the mirror image of {@link FramesToImages}: T·B per-image rows [T·B, F], time-major
 * (row t·B + b), as a batch of sequences [B, F, T] (NCW), and the reverse for the epsilon. Same configuration, JSON
 * fields, masks and results as DL4J's FeedForwardToRnnPreProcessor; for dense c-order float arrays it is one
 * transposing Java pass each way (parallel over sequences) into a dense c-order result, where DL4J ran strided
 * single-threaded libnd4j copies (an 'f' dup forward, two backward) and handed on a permuted view (~1 % of a MeNet5
 * training step). Anything else (double, NWC, views, a row count not a multiple of B) takes DL4J's path.
 */
public class ImagesToFrames extends FeedForwardToRnnPreProcessor {

    /** NCW, as DL4J's no-argument constructor. */
    public ImagesToFrames() { this(RNNFormat.NCW); }

    @JsonCreator
    public ImagesToFrames(@JsonProperty("rnnDataFormat") RNNFormat rnnDataFormat) { super(rnnDataFormat); }

    private boolean fast(INDArray a, int rank) {
        return getRnnDataFormat() == RNNFormat.NCW && a.rank() == rank && a.dataType() == DataType.FLOAT && DenseArrays.dense(a);
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(input, 2) || miniBatchSize < 1 || input.size(0) % miniBatchSize != 0)
            return super.preProcess(input, miniBatchSize, workspaceMgr);
        int b = miniBatchSize, t = (int) (input.size(0) / b), f = (int) input.size(1);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{b, f, t}, 'c');
        transpose(input, out, b, f, t, true);
        return out;
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(output, 3) || output.size(0) != miniBatchSize) return super.backprop(output, miniBatchSize, workspaceMgr);
        int b = miniBatchSize, f = (int) output.size(1), t = (int) output.size(2);
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[]{(long) t * b, f}, 'c');
        transpose(output, eps, b, f, t, false);
        return eps;
    }

    /**
     * Between rows m [T·B, F] (c-order, row t·B + b) and sequences s [B, F, T] (c-order): toFrames: s ← m, else
     * m ← s. Per sequence b, one block of F·T values is read and written, by one thread.
     */
    private static void transpose(INDArray from, INDArray to, int b, int f, int t, boolean toFrames) {
        if (!DenseArrays.dense(to)) throw new IllegalStateException("target must be a fresh c-order array: " + to.shapeInfoToString());
        long frame = (long) b * f;   // from one frame's row of a sequence to the next frame's, in values
        FloatPointer src0 = new FloatPointer(from.data().addressPointer()), dst0 = new FloatPointer(to.data().addressPointer());
        ParallelLoops.forRange(b, (lo, hi) -> {
            float[] rows = new float[f * t], seq = new float[f * t];
            FloatPointer src = new FloatPointer(src0), dst = new FloatPointer(dst0);   // own positions per thread
            for (int s = lo; s < hi; s++) {
                if (toFrames) {
                    for (int k = 0; k < t; k++) src.position(k * frame + (long) s * f).get(rows, k * f, f);
                    for (int j = 0; j < f; j++) for (int k = 0; k < t; k++) seq[j * t + k] = rows[k * f + j];
                    dst.position((long) s * f * t).put(seq, 0, f * t);
                } else {
                    src.position((long) s * f * t).get(seq, 0, f * t);
                    for (int k = 0; k < t; k++) for (int j = 0; j < f; j++) rows[k * f + j] = seq[j * t + k];
                    for (int k = 0; k < t; k++) dst.position(k * frame + (long) s * f).put(rows, k * f, f);
                }
            }
        });
    }

    /** DL4J's clone builds a FeedForwardToRnnPreProcessor: a cloned graph configuration would lose this class. */
    @Override
    public ImagesToFrames clone() { return new ImagesToFrames(getRnnDataFormat()); }
}
