package jepa.accel;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SameDiff vertex whose runtime differentiates an ordinary loss instead of M2.1's external-errors function: the
 * vector-Jacobian product L = Σ out ⊙ ε with ε a placeholder, so dL/dθ and dL/d(inputs) are exactly the
 * backpropagated gradients. The graph is built and differentiated once, its variables are DL4J's parameter views,
 * and the batch dimension of every placeholder is free.
 * <p>
 * Why: the stock SameDiffGraphVertex doubles the gradient ({@link ExactGradientVertex} halves it), and on graphs with
 * reductions (e.g. LayerNorm's means) its second backward pass fails (garbage reduction axes) and a batch of
 * another size after a backward pass fails on a cached reduction shape. Its subclasses: NormedLinear, the RSSM
 * vertex. A subclass gives its output shape with batch −1.
 */
public abstract class VjpSameDiffVertex extends SameDiffVertex {

    /** The output's shape with −1 for the batch dimension (the shape of the ε placeholder). */
    public abstract long[] outputShape();

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams,
                                   DataType dataType) {
        setName(name);
        return new Runtime(this, graph, name, idx, paramsView, initializeParams, dataType);
    }

    /** The runtime vertex: its own SameDiff with the VJP loss, built on the first pass and reused. */
    public static final class Runtime extends SameDiffGraphVertex {
        private static final String EPS = "vjp_epsilon", LOSS = "vjp_loss";
        private SameDiff vjp;
        private String out;
        private List<String> inputNames;

        Runtime(SameDiffVertex config, ComputationGraph graph, String name, int index, INDArray paramsView, boolean initParams,
                DataType dataType) {
            super(config, graph, name, index, paramsView, initParams, dataType);
        }

        private void build() {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                SameDiff sd = SameDiff.create();
                // plain holders: the variables ARE DL4J's parameter views, so updates are seen without copying
                sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
                inputNames = config.getVertexParams().getInputs();
                Map<String, SDVariable> in = new LinkedHashMap<>();
                for (int i = 0; i < inputNames.size(); i++) {
                    long[] shape = inputs[i].shape().clone();
                    shape[0] = -1;
                    in.put(inputNames.get(i), sd.placeHolder(inputNames.get(i), dataType, shape));
                }
                Map<String, SDVariable> p = new LinkedHashMap<>();
                for (Map.Entry<String, long[]> e : config.getVertexParams().getParamShapes().entrySet())
                    p.put(e.getKey(), sd.var(e.getKey(), dataType, e.getValue()));
                SDVariable o = config.defineVertex(sd, in, p, new HashMap<>());
                out = o.name();
                SDVariable eps = sd.placeHolder(EPS, dataType, ((VjpSameDiffVertex) config).outputShape());
                sd.setLossVariables(o.mul(eps).sum(LOSS));
                for (Map.Entry<String, INDArray> e : paramTable.entrySet()) sd.associateArrayWithVariable(e.getValue(), sd.getVariable(e.getKey()));
                sd.createGradFunction(inputNames.toArray(new String[0]));
                vjp = sd;
            }
        }

        private Map<String, INDArray> placeholders() {
            Map<String, INDArray> ph = new HashMap<>();
            for (int i = 0; i < inputNames.size(); i++) ph.put(inputNames.get(i), inputs[i]);
            return ph;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (vjp == null) build();
            INDArray result;
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                result = vjp.outputSingle(placeholders(), out);
            }
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, result);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (vjp == null) build();
            Gradient g = new DefaultGradient();
            Map<String, INDArray> grads;
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Map<String, INDArray> ph = placeholders();
                ph.put(EPS, epsilon);
                List<String> required = new ArrayList<>(inputNames);
                required.addAll(paramTable.keySet());
                grads = vjp.calculateGradients(ph, required);
                for (String k : paramTable.keySet()) {
                    INDArray view = gradTable.get(k);
                    view.assign(grads.get(k));
                    g.gradientForVariable().put(k, view);
                }
            }
            INDArray[] dIn = new INDArray[inputNames.size()];
            for (int i = 0; i < dIn.length; i++) {
                INDArray d = grads.get(inputNames.get(i));
                dIn[i] = d == null ? workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[i].dataType(), inputs[i].shape()).assign(0)
                        : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, d);
            }
            return new Pair<>(g, dIn);
        }
    }
}
