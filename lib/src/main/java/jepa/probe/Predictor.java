package jepa.probe;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Anything that maps representations to normalised dot locations: the trained {@link LinearProbe} or a baseline
 * that ignores its input (the Center baseline). Output column {@code dot·2 + c} is coordinate c (0 = x, 1 = y)
 * of that dot, the layout of the reference prober's output reshaped to [dots, 2].
 */
public interface Predictor extends java.io.Serializable {
    /** @param x [m, D] representations; @return [m, 2·dots] predicted normalised locations */
    INDArray predict(INDArray x);

    /** Number of output columns, 2·dots. */
    int outputs();
}
