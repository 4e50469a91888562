package jepa.nn;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * H-JEPA's step from frames to windows (seed 001 §4.6): a series [B, C, T] → [B, C, W] over consecutive windows of
 * {@code size} steps, W = {@code windows}, starting at step 0 (steps past W·size are left out): the mean of each window
 * (level-1 encodings pooled into a level-2 input) or its sum (the actions that move one window to the next).
 * No parameters; the gradient is spread back over each window (÷ size for the mean).
 */
public class WindowPool extends GraphVertex {
    public static final String MEAN = "mean", SUM = "sum";

    @JsonProperty private int channels;
    @JsonProperty private int size;
    @JsonProperty private int windows;
    @JsonProperty private String mode = MEAN;

    /** For JSON deserialisation only. */
    public WindowPool() {}

    public WindowPool(int channels, int size, int windows, String mode) {
        if (channels < 1 || size < 1 || windows < 1) throw new IllegalArgumentException("window pool needs channels, size, windows >= 1");
        if (!MEAN.equals(mode) && !SUM.equals(mode)) throw new IllegalArgumentException("window pool mode is mean or sum, got " + mode);
        this.channels = channels; this.size = size; this.windows = windows; this.mode = mode;
    }

    @Override public WindowPool clone() { return new WindowPool(channels, size, windows, mode); }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowPool w && w.channels == channels && w.size == size && w.windows == windows && w.mode.equals(mode);
    }

    @Override public int hashCode() { return java.util.Objects.hash(channels, size, windows, mode); }
    @Override public long numParams(boolean backprop) { return 0; }
    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType dataType) {
        return new Pooling(graph, name, idx, dataType, this);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.recurrent(channels, windows); }

    @Override
    public MemoryReport getMemoryReport(InputType... inputs) {
        return new LayerMemoryReport.Builder(null, WindowPool.class, inputs[0], getOutputType(0, inputs)).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** Plain Java: out[b][c][k] = mean (or sum) of x[b][c][k·size .. k·size + size − 1]. */
    public static double[][][] reference(double[][][] x, int size, int windows, boolean mean) {
        double[][][] out = new double[x.length][x[0].length][windows];
        for (int b = 0; b < x.length; b++)
            for (int c = 0; c < x[0].length; c++)
                for (int k = 0; k < windows; k++) {
                    double s = 0;
                    for (int i = 0; i < size; i++) s += x[b][c][k * size + i];
                    out[b][c][k] = mean ? s / size : s;
                }
        return out;
    }

    static final class Pooling extends BaseGraphVertex {
        private final WindowPool conf;

        Pooling(ComputationGraph graph, String name, int idx, DataType dataType, WindowPool conf) {
            super(graph, name, idx, (VertexIndices[]) null, (VertexIndices[]) null, dataType);
            this.conf = conf;
        }

        @Override public boolean hasLayer() { return false; }
        @Override public Layer getLayer() { return null; }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            long b = x.size(0), c = x.size(1);
            if (x.size(2) < (long) conf.size * conf.windows)
                throw new IllegalStateException("window pool needs " + conf.size * conf.windows + " steps, got " + x.size(2));
            INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, x.dataType(), new long[]{b, c, conf.windows}, 'c');
            for (int k = 0; k < conf.windows; k++) {
                INDArray w = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(k * conf.size, (k + 1) * conf.size));
                INDArray s = w.sum(2);
                if (MEAN.equals(conf.mode)) s.divi(conf.size);
                out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k)).assign(s);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c').assign(0);
            double scale = MEAN.equals(conf.mode) ? 1.0 / conf.size : 1.0;
            for (int k = 0; k < conf.windows; k++) {
                INDArray g = epsilon.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k)).mul(scale);
                for (int i = 0; i < conf.size; i++)
                    dx.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k * conf.size + i)).assign(g);
            }
            return new Pair<>(null, new INDArray[]{dx});
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray view) {
            if (view != null) throw new IllegalStateException("WindowPool has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatch) { return null; }

        @Override public String toString() { return "WindowPool(" + vertexName + ", " + conf.mode + ")"; }
    }
}
