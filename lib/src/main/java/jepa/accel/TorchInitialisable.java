package jepa.accel;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A custom vertex or layer configuration that knows its PyTorch initialisation (the project's networks are initialised
 * the way PyTorch initialises the reference's modules, jepa.nn.PytorchInit): it draws its parameters from the stream.
 */
public interface TorchInitialisable {
    void torchInit(Map<String, INDArray> params, SplittableRandom rng);
}
