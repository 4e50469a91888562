package jepa.accel;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The project's SameDiff vertices: instantiated as {@link ExactGradientVertex} (M2.1's stock one doubles gradients). */
public abstract class ExactSameDiffVertex extends SameDiffVertex {
    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams,
                                   DataType dataType) {
        return ExactGradientVertex.of(this, graph, name, idx, paramsView, initializeParams, dataType);
    }
}
