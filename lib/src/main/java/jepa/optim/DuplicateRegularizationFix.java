package jepa.optim;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Works around a DL4J 1.0.0-M2.1 bug: in a ComputationGraph, a regularization set on the GLOBAL builder
 * ({@code NeuralNetConfiguration.Builder.regularization(...)}) ends up TWICE on every built-in layer (BaseLayer).
 * GraphBuilder configures each layer twice (in addLayer and again in build), and
 * {@code LayerValidation.configureBaseLayer} appends every global regularization that is not L1/L2 to the layer's
 * non-empty list without checking for duplicates. DL4J's own WeightDecay is hit the same way. For LARS it would mean
 * adding wd·p twice and rescaling twice. SameDiff layers/vertices copy the global list only when theirs is empty,
 * so they are not affected; MultiLayerConfiguration configures each layer once.
 * <p>
 * Call {@link #apply} on the built configuration, before creating the network and before {@code toJson()}.
 */
public final class DuplicateRegularizationFix {
    private DuplicateRegularizationFix() {}

    /** Removes repeated (equal) entries from every built-in layer's regularization lists, in place; returns conf. */
    public static ComputationGraphConfiguration apply(ComputationGraphConfiguration conf) {
        for (GraphVertex v : conf.getVertices().values()) {
            if (!(v instanceof LayerVertex lv) || lv.getLayerConf() == null) continue;
            Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof BaseLayer b) {
                b.setRegularization(distinct(b.getRegularization()));
                b.setRegularizationBias(distinct(b.getRegularizationBias()));
            }
        }
        return conf;
    }

    private static List<Regularization> distinct(List<Regularization> list) {
        return list == null ? null : new ArrayList<>(new LinkedHashSet<>(list));
    }
}
