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
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PyTorch's {@code tensor.detach()}: the input unchanged going forward, no gradient going back (zeros). What P-JEPA's
 * decoder reads (App. D: "no gradient to encoder"), so its loss trains the decoder only.
 */
public class Detach extends GraphVertex {

    @Override public Detach clone() { return new Detach(); }
    @Override public boolean equals(Object o) { return o instanceof Detach; }
    @Override public int hashCode() { return Detach.class.hashCode(); }
    @Override public long numParams(boolean backprop) { return 0; }
    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }
    @Override public InputType getOutputType(int layerIndex, InputType... in) { return in[0]; }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        return new LayerMemoryReport.Builder(null, Detach.class, in[0], in[0]).standardMemory(0, 0).workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0).build();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType dataType) {
        return new Runtime(graph, name, idx, dataType);
    }

    static final class Runtime extends BaseGraphVertex {
        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) { super(graph, name, idx, null, null, dataType); }

        @Override public boolean hasLayer() { return false; }
        @Override public Layer getLayer() { return null; }
        @Override public void setBackpropGradientsViewArray(INDArray view) { }
        @Override public String toString() { return "Detach(" + vertexName + ")"; }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr ws) { return ws.dup(ArrayType.ACTIVATIONS, inputs[0]); }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr ws) {
            return new Pair<>(null, new INDArray[]{ws.create(ArrayType.ACTIVATION_GRAD, inputs[0].dataType(), inputs[0].shape(), 'c')});
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatch) {
            return masks == null ? null : new Pair<>(masks[0], state);
        }
    }
}
