package jepa.accel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A custom vertex or layer configuration that knows its PyTorch initialisation (the project's networks are initialised
 * the way PyTorch initialises the reference's modules, jepa.nn.PytorchInit): it draws its parameters from the stream.
 */
public interface TorchInitialisable {
    void torchInit(Map<String, INDArray> params, SplittableRandom rng);

    /** PyTorch's uniform initialisation U(−bound, bound), drawn in index order from rng. */
    static void uniform(INDArray a, double bound, SplittableRandom rng) {
        double[] v = new double[Math.toIntExact(a.length())];
        for (int i = 0; i < v.length; i++) v[i] = (2 * rng.nextDouble() - 1) * bound;
        a.assign(Nd4j.createFromArray(v).reshape(a.shape()).castTo(a.dataType()));
    }
}
