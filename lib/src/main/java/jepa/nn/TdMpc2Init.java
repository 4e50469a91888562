package jepa.nn;

import jepa.accel.TorchInitialisable;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * TD-MPC2's initialisation ({@code common/init.py::weight_init}, applied to the whole world model): every Linear
 * weight ~ truncated normal(0, 0.02) (cut at ±2), biases 0; convolutions keep PyTorch's default U(±1/√fan_in);
 * {@link TorchInitialisable} vertices (NormedLinear) draw their own. Each vertex draws from its own stream, keyed by
 * (seed, vertex name), so adding or removing a part (e.g. the decoder) leaves every other part's initial values alone.
 */
public final class TdMpc2Init {
    public static final double STD = 0.02, CUT = 2.0;

    private TdMpc2Init() {}

    public static void apply(ComputationGraph cg, long seed) {
        for (Map.Entry<String, GraphVertex> e : cg.getConfiguration().getVertices().entrySet()) {
            Map<String, INDArray> params = cg.getVertex(e.getKey()).paramTable(false);
            if (params == null || params.isEmpty()) continue;
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ e.getKey().hashCode());
            GraphVertex v = e.getValue();
            Object conf = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : v;
            if (conf instanceof TorchInitialisable t) {
                t.torchInit(params, rng);
            } else if (conf instanceof ConvolutionLayer) {
                INDArray w = params.get("W");
                double bound = 1.0 / Math.sqrt((double) w.size(1) * w.size(2) * w.size(3));
                PytorchInit.uniform(w, bound, rng);
                if (params.containsKey("b")) PytorchInit.uniform(params.get("b"), bound, rng);
            } else if (conf instanceof FeedForwardLayer && params.containsKey("W") && params.get("W").rank() == 2) {
                truncatedNormal(params.get("W"), rng);
                if (params.containsKey("b")) params.get("b").assign(0);
            } else {
                throw new IllegalStateException("no TD-MPC2 init rule for vertex " + e.getKey() + " (" + conf.getClass().getName() + ")");
            }
        }
    }

    /** a ~ N(0, 0.02²) truncated at ±2 (PyTorch's trunc_normal_(std=0.02): the cut is absolute, i.e. 100 σ). */
    public static void truncatedNormal(INDArray a, SplittableRandom rng) {
        double[] v = new double[Math.toIntExact(a.length())];
        for (int i = 0; i < v.length; i++) {
            double g;
            do g = rng.nextGaussian() * STD; while (Math.abs(g) > CUT);
            v[i] = g;
        }
        a.assign(Nd4j.createFromArray(v).reshape(a.shape()).castTo(a.dataType()));
    }
}
