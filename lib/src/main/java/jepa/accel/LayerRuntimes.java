package jepa.accel;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * For layer configurations that swap in the project's own runtime (Conv2d, BatchNorm, the loss
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

    /**
     * Copies every instance field that {@code type} and its superclasses declare from a built stock configuration into
     * the project's subclass of it: DL4J's constructors from a Builder are private, so a subclass cannot call them.
     */
    public static <T> void copyConfig(Class<T> type, T built, T into) {
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                try {
                    f.setAccessible(true);
                    f.set(into, f.get(built));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + type.getSimpleName() + " field " + f.getName(), e);
                }
            }
        }
    }
}
