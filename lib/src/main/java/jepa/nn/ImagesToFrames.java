package jepa.nn;

import jepa.accel.DenseArrays;

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
        FramesToImages.transpose(input, out, b, f, t, false);   // rows → sequences
        return out;
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(output, 3) || output.size(0) != miniBatchSize) return super.backprop(output, miniBatchSize, workspaceMgr);
        int b = miniBatchSize, f = (int) output.size(1), t = (int) output.size(2);
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[]{(long) t * b, f}, 'c');
        FramesToImages.transpose(output, eps, b, f, t, true);   // sequences → rows
        return eps;
    }

    /** DL4J's clone builds a FeedForwardToRnnPreProcessor: a cloned graph configuration would lose this class. */
    @Override
    public ImagesToFrames clone() { return new ImagesToFrames(getRnnDataFormat()); }
}
