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
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Part {@code part} of {@code parts} equal blocks of the batch (rows [part·n/parts, (part+1)·n/parts)), gradient
 * scattered back into those rows. Why: DL4J's graphs share no weights between layers, so one encoder sees o and o′
 * stacked in one batch [o; o′] and two slices take E(o) and E(o′) apart; the encoder gets the sum of both gradients.
 */
public class BatchSlice extends GraphVertex {
    @JsonProperty private int part;
    @JsonProperty private int parts;

    /** For JSON deserialisation only. */
    public BatchSlice() {}

    public BatchSlice(int part, int parts) {
        if (parts < 1 || part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " of " + parts);
        this.part = part;
        this.parts = parts;
    }

    @Override public BatchSlice clone() { return new BatchSlice(part, parts); }
    @Override public boolean equals(Object o) { return o instanceof BatchSlice s && s.part == part && s.parts == parts; }
    @Override public int hashCode() { return 31 * part + parts; }
    @Override public long numParams(boolean backprop) { return 0; }
    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }
    @Override public InputType getOutputType(int layerIndex, InputType... in) { return in[0]; }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        return new LayerMemoryReport.Builder(null, BatchSlice.class, in[0], in[0]).standardMemory(0, 0).workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0).build();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType dataType) {
        return new Runtime(graph, name, idx, dataType, part, parts);
    }

    static final class Runtime extends BaseGraphVertex {
        private final int part, parts;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType, int part, int parts) {
            super(graph, name, idx, null, null, dataType);
            this.part = part;
            this.parts = parts;
        }

        private long[] rows(long n) {
            if (n % parts != 0) throw new IllegalStateException(vertexName + ": batch of " + n + " rows is not " + parts + " equal parts");
            return new long[]{part * (n / parts), (part + 1) * (n / parts)};
        }

        private static INDArrayIndex[] index(INDArray a, long from, long to) {
            INDArrayIndex[] ix = new INDArrayIndex[a.rank()];
            ix[0] = NDArrayIndex.interval(from, to);
            for (int d = 1; d < ix.length; d++) ix[d] = NDArrayIndex.all();
            return ix;
        }

        @Override public boolean hasLayer() { return false; }
        @Override public Layer getLayer() { return null; }
        @Override public void setBackpropGradientsViewArray(INDArray view) { }
        @Override public String toString() { return "BatchSlice(" + vertexName + ", " + part + "/" + parts + ")"; }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr ws) {
            long[] r = rows(inputs[0].size(0));
            return ws.dup(ArrayType.ACTIVATIONS, inputs[0].get(index(inputs[0], r[0], r[1])), 'c');
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr ws) {
            long[] r = rows(inputs[0].size(0));
            INDArray g = ws.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputs[0].shape(), 'c');
            g.get(index(g, r[0], r[1])).assign(epsilon);
            return new Pair<>(null, new INDArray[]{g});
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatch) {
            return masks == null || masks[0] == null ? null : new Pair<>(masks[0], state);
        }
    }
}
