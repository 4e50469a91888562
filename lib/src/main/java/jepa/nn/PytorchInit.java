package jepa.nn;

import jepa.accel.TorchInitialisable;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * PyTorch's default initialisation (reference §2.7), applied after {@code cg.init()}, deterministically from a seed
 * (one SplittableRandom walked over vertices and parameters in name order; independent of ND4J's RNG):
 * Conv2d/Linear weights and biases U(±1/√fan_in) (conv fan_in = C_in·k·k, dense fan_in = nIn); BatchNorm γ = 1,
 * β = 0, running mean 0, running var 1; custom SameDiff vertices/layers implement {@link TorchInitialisable} (the GRU:
 * all U(±1/√H)). A parameterised layer without a rule is an error, never silently left at DL4J's init.
 */
public final class PytorchInit {
    private PytorchInit() {}

    public static void apply(ComputationGraph cg, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, GraphVertex> confs = new TreeMap<>(cg.getConfiguration().getVertices());
        for (Map.Entry<String, GraphVertex> e : confs.entrySet()) {
            Map<String, INDArray> params = cg.getVertex(e.getKey()).paramTable(false);
            if (params == null || params.isEmpty()) continue;
            GraphVertex v = e.getValue();
            Object conf = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : v;
            init(e.getKey(), conf, params, rng);
        }
    }

    private static void init(String name, Object conf, Map<String, INDArray> params, SplittableRandom rng) {
        if (conf instanceof TorchInitialisable i) {
            i.torchInit(params, rng);
        } else if (conf instanceof BatchNormalization) {
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                switch (p.getKey()) {
                    case "gamma", "var" -> p.getValue().assign(1.0);
                    case "beta", "mean", "log10stdev" -> p.getValue().assign(0.0);
                    default -> throw new IllegalStateException("unknown BatchNormalization parameter " + name + "." + p.getKey());
                }
            }
        } else if (conf instanceof ConvolutionLayer) {
            INDArray w = params.get("W");                                  // [out, in, kh, kw]
            double bound = 1.0 / Math.sqrt((double) w.size(1) * w.size(2) * w.size(3));
            uniform(w, bound, rng);
            if (params.containsKey("b")) uniform(params.get("b"), bound, rng);
        } else if (conf instanceof FeedForwardLayer && params.containsKey("W") && params.get("W").rank() == 2) {
            INDArray w = params.get("W");                                  // DL4J dense: [nIn, nOut]
            double bound = 1.0 / Math.sqrt(w.size(0));
            uniform(w, bound, rng);
            if (params.containsKey("b")) uniform(params.get("b"), bound, rng);
        } else {
            throw new IllegalStateException("no PyTorch init rule for vertex " + name + " (" + conf.getClass().getName()
                    + "); implement TorchInitialisable");
        }
    }

    /** U(−bound, bound), drawn in index order from rng (see {@link TorchInitialisable#uniform}). */
    public static void uniform(INDArray a, double bound, SplittableRandom rng) { TorchInitialisable.uniform(a, bound, rng); }
}
