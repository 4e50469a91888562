package jepa.nn;

import jepa.accel.DenseArrays;
import jepa.accel.ParallelLoops;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The encoder's input step: a batch of sequences [B, C·H·W, T] (DL4J's RNN layout, NCW) as T·B images
 * [T·B, C, H, W], time-major (image t·B + b), and the reverse for the epsilon. Same configuration, JSON fields and
 * results as DL4J's RnnToCnnPreProcessor; for dense c-order float arrays it is one transposing Java pass each way
 * (parallel over sequences), where DL4J ran two strided libnd4j copies on one thread (~2 % of a training step).
 * Anything else (double, NWC, views) takes DL4J's path.
 */
public class FramesToImages extends RnnToCnnPreProcessor {

    @JsonCreator
    public FramesToImages(@JsonProperty("inputHeight") int inputHeight, @JsonProperty("inputWidth") int inputWidth,
                          @JsonProperty("numChannels") int numChannels, @JsonProperty("rnnDataFormat") RNNFormat rnnDataFormat) {
        super(inputHeight, inputWidth, numChannels, rnnDataFormat);
    }

    public FramesToImages(int inputHeight, int inputWidth, int numChannels) {
        this(inputHeight, inputWidth, numChannels, RNNFormat.NCW);
    }

    private boolean fast(INDArray a, int rank) {
        return getRnnDataFormat() == RNNFormat.NCW && a.rank() == rank && DenseArrays.dense(a)
                && a.dataType() == DataType.FLOAT;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        long f = (long) getNumChannels() * getInputHeight() * getInputWidth();
        if (!fast(input, 3) || input.size(1) != f) return super.preProcess(input, miniBatchSize, workspaceMgr);
        int b = (int) input.size(0), t = (int) input.size(2);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[]{(long) t * b, getNumChannels(), getInputHeight(), getInputWidth()}, 'c');
        transpose(input, out, b, (int) f, t, true);
        return out;
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (!fast(output, 4) || output.size(0) % miniBatchSize != 0) return super.backprop(output, miniBatchSize, workspaceMgr);
        int b = miniBatchSize, t = (int) (output.size(0) / b), f = (int) (output.length() / output.size(0));
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, output.dataType(), new long[]{b, f, t}, 'c');
        transpose(output, eps, b, f, t, false);
        return eps;
    }

    /**
     * Between sequences s [B, F, T] (c-order) and images m [T·B, F] (c-order, row t·B + b): toImages: m ← s, else
     * s ← m. Per sequence b, one block of F·T values is read and written, by one thread. ({@link ImagesToFrames} too.)
     */
    static void transpose(INDArray from, INDArray to, int b, int f, int t, boolean toImages) {
        if (!DenseArrays.dense(to)) throw new IllegalStateException("target must be a fresh c-order array: " + to.shapeInfoToString());
        long rows = (long) b * f;   // from one frame's image of a sequence to the next frame's, in values
        FloatPointer src0 = new FloatPointer(from.data().addressPointer()), dst0 = new FloatPointer(to.data().addressPointer());
        ParallelLoops.forRange(b, (lo, hi) -> {
            float[] seq = new float[f * t], img = new float[f * t];
            FloatPointer src = new FloatPointer(src0), dst = new FloatPointer(dst0);   // own positions per thread
            for (int s = lo; s < hi; s++) {
                if (toImages) {
                    src.position((long) s * f * t).get(seq, 0, f * t);
                    for (int k = 0; k < t; k++) for (int j = 0; j < f; j++) img[k * f + j] = seq[j * t + k];
                    for (int k = 0; k < t; k++) dst.position(k * rows + (long) s * f).put(img, k * f, f);
                } else {
                    for (int k = 0; k < t; k++) src.position(k * rows + (long) s * f).get(img, k * f, f);
                    for (int j = 0; j < f; j++) for (int k = 0; k < t; k++) seq[j * t + k] = img[k * f + j];
                    dst.position((long) s * f * t).put(seq, 0, f * t);
                }
            }
        });
    }

    /** DL4J's clone builds a RnnToCnnPreProcessor: a cloned graph configuration would lose this class. */
    @Override
    public FramesToImages clone() { return new FramesToImages(getInputHeight(), getInputWidth(), getNumChannels(), getRnnDataFormat()); }
}
