package jepa.accel;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J 1.0.0-M2.1's SameDiffGraphVertex backpropagates TWICE the true gradient, to its parameters and to its inputs
 * alike. The cause is in ND4J: the gradient through {@code SameDiffUtils.externalErrors} (how the vertex injects the
 * incoming epsilon) comes out doubled — measured on out = z ⊙ w in plain SameDiff, while the same graph with an
 * ordinary loss differentiates correctly. This runtime vertex halves both after the stock backward pass;
 * GradientCheckTest proves the result equals central finite differences.
 */
public class ExactGradientVertex extends SameDiffGraphVertex {

    public ExactGradientVertex(SameDiffVertex config, ComputationGraph graph, String name, int index,
                               INDArray paramsView, boolean initParams, DataType dataType) {
        super(config, graph, name, index, paramsView, initParams, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray[]> r = super.doBackward(tbptt, workspaceMgr);
        for (INDArray g : r.getFirst().gradientForVariable().values()) g.muli(0.5);   // views of the gradient array
        for (INDArray e : r.getSecond()) if (e != null) e.muli(0.5);
        return r;
    }

    /** What a project SameDiffVertex returns from instantiate(...) instead of the stock SameDiffGraphVertex. */
    public static ExactGradientVertex of(SameDiffVertex config, ComputationGraph graph, String name, int index,
                                         INDArray paramsView, boolean initParams, DataType dataType) {
        config.setName(name);
        return new ExactGradientVertex(config, graph, name, index, paramsView, initParams, dataType);
    }
}
