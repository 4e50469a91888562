package jepa.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Two parameter-free vertices of the latent-variable predictor (seed 001 §4.4), on series [B, C, T]:
 * {@link ConsecutivePairs} — [s_t, s_{t+1}] for t = 0..T−2, what an amortised encoder infers z_t from (it sees the
 * observed future) — and {@link OneHotArgmax} — a discrete latent: the one-hot of the largest logit forward, the
 * softmax's gradient backward (straight-through), so the inference network trains.
 */
public final class StepVertices {
    private StepVertices() {}

    /** [B, C, T] → [B, 2C, T−1]: channels 0..C−1 = x_t, C..2C−1 = x_{t+1}. */
    public static class ConsecutivePairs extends Base {
        public ConsecutivePairs() {}

        public ConsecutivePairs(int channels, int steps) { super(channels, steps); }

        @Override public ConsecutivePairs clone() { return new ConsecutivePairs(channels, steps); }

        @Override
        public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.recurrent(2L * channels, steps - 1); }

        @Override
        public INDArray forward(INDArray x) {
            long b = x.size(0), t = x.size(2);
            INDArray out = Nd4j.create(x.dataType(), b, 2L * channels, t - 1);
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, channels), NDArrayIndex.all())
                    .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, t - 1)));
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(channels, 2 * channels), NDArrayIndex.all())
                    .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, t)));
            return out;
        }

        @Override
        public INDArray backward(INDArray x, INDArray eps) {
            long t = x.size(2);
            INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
            dx.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, t - 1))
                    .addi(eps.get(NDArrayIndex.all(), NDArrayIndex.interval(0, channels), NDArrayIndex.all()));
            dx.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, t))
                    .addi(eps.get(NDArrayIndex.all(), NDArrayIndex.interval(channels, 2 * channels), NDArrayIndex.all()));
            return dx;
        }
    }

    /** Logits [B, K, T] → one-hot of the argmax over K; backward: the softmax's Jacobian times the gradient. */
    public static class OneHotArgmax extends Base {
        public OneHotArgmax() {}

        public OneHotArgmax(int channels, int steps) { super(channels, steps); }

        @Override public OneHotArgmax clone() { return new OneHotArgmax(channels, steps); }

        @Override
        public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.recurrent(channels, steps); }

        @Override
        public INDArray forward(INDArray x) {
            INDArray arg = Nd4j.argMax(x, 1);                                                     // [B, T]
            INDArray out = Nd4j.zeros(x.dataType(), x.shape());
            for (long b = 0; b < x.size(0); b++)
                for (long t = 0; t < x.size(2); t++) out.putScalar(new long[]{b, arg.getLong(b, t), t}, 1.0);
            return out;
        }

        @Override
        public INDArray backward(INDArray x, INDArray eps) {
            INDArray p = softmax(x);
            return p.mul(eps.sub(p.mul(eps).sum(true, 1)));
        }

        /** Softmax over the channel axis of [B, K, T]. */
        public static INDArray softmax(INDArray x) {
            INDArray e = Transforms.exp(x.sub(x.max(true, 1)), false);
            return e.divi(e.sum(true, 1));
        }
    }

    /** The shared plumbing: one input, no parameters, a forward and a backward on plain arrays. */
    abstract static class Base extends GraphVertex {
        @JsonProperty protected int channels;
        @JsonProperty protected int steps;

        Base() {}

        Base(int channels, int steps) {
            if (channels < 1 || steps < 2) throw new IllegalArgumentException("step vertices need channels >= 1 and steps >= 2");
            this.channels = channels;
            this.steps = steps;
        }

        public abstract INDArray forward(INDArray x);

        public abstract INDArray backward(INDArray x, INDArray eps);

        @Override
        public boolean equals(Object o) { return o != null && o.getClass() == getClass() && ((Base) o).channels == channels && ((Base) o).steps == steps; }

        @Override public int hashCode() { return java.util.Objects.hash(getClass(), channels, steps); }
        @Override public long numParams(boolean backprop) { return 0; }
        @Override public int minVertexInputs() { return 1; }
        @Override public int maxVertexInputs() { return 1; }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                         boolean initializeParams, DataType dataType) {
            return new Runner(graph, name, idx, dataType, this);
        }

        @Override
        public MemoryReport getMemoryReport(InputType... inputs) {
            return new LayerMemoryReport.Builder(null, getClass(), inputs[0], getOutputType(0, inputs)).standardMemory(0, 0)
                    .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
        }
    }

    static final class Runner extends BaseGraphVertex {
        private final Base conf;

        Runner(ComputationGraph graph, String name, int idx, DataType dataType, Base conf) {
            super(graph, name, idx, (VertexIndices[]) null, (VertexIndices[]) null, dataType);
            this.conf = conf;
        }

        @Override public boolean hasLayer() { return false; }
        @Override public Layer getLayer() { return null; }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, conf.forward(inputs[0]));
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            return new Pair<>(null, new INDArray[]{workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, conf.backward(inputs[0], epsilon))});
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray view) {
            if (view != null) throw new IllegalStateException(conf.getClass().getSimpleName() + " has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatch) { return null; }

        @Override public String toString() { return conf.getClass().getSimpleName() + "(" + vertexName + ")"; }
    }
}
