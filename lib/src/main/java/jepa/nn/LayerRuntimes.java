package jepa.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/**
 * For layer configurations that swap in the project's own runtime (ContiguousConvolution, FastBatchNorm, the loss
 * layers, …): DL4J's instantiate wiring, so the runtime gets the same index, listeners, parameter views and table.
 */
public final class LayerRuntimes {
    private LayerRuntimes() {}

    public static Layer wire(Layer ret, ParamInitializer init, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                             int layerIndex, INDArray paramsView, boolean initializeParams) {
        ret.setListeners(listeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(paramsView);
        Map<String, INDArray> table = init.init(conf, paramsView, initializeParams);
        ret.setParamTable(table);
        ret.setConf(conf);
        return ret;
    }
}
