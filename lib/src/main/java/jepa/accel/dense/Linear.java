package jepa.accel.dense;

import jepa.accel.Backend;
import jepa.accel.LayerRuntimes;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's DenseLayer (same configuration, JSON, parameters and results) with a runtime for MeNet5's last layer, a
 * float identity dense layer with bias: z = x·W + b.
 * <p>
 * Why (DL4J 1.0.0-M2.1, CPU, MeNet5 at [1088, 576] → 512): the stock runtime adds the bias with a single-threaded
 * libnd4j broadcast, and its backward pass recomputes the forward gemm and bias only to get the pre-activation that
 * the identity activation does not need (~3 % of a training step together). Here the forward is one gemm into a
 * result whose rows hold b already (beta = 1; the rows are filled in parallel Java loops); the backward is dW = xᵀ·ε
 * (into the 'f'-order gradient view, as DL4J), db = column sums of ε (in double, parallel over columns) and
 * ε_in = ε·Wᵀ, with no forward recomputation. Every output value is written by one thread, in a fixed order, so
 * results do not depend on the thread count (OpenBLAS's gemms are deterministic too; LinearTest).
 * Measured (ContiguousDenseBench, 1 thread, shared machine): with {@link ImagesToFrames}, forward + backward of the
 * layer and the preprocessor 53–82 ms stock, 35–43 ms here; in a graph with workspaces 45–68 ms → 34–47 ms (runs
 * differ with the machine's load). Folding the bias into the gemm costs ~0.3 ms over the bare 8–9.5 ms gemm (a
 * separate parallel add: about the same).
 * <p>
 * The fast path needs float, IDENTITY activation, a bias, no layer norm, no dropout, no weight noise, no mask and a
 * dense [n, nIn] input, c- or f-order (it only enters gemms; MeNet5's is c-order, DL4J's RnnToFeedForward gives
 * f-order); anything else takes the stock code path.
 */
public class Linear extends DenseLayer {

    /** For JSON deserialisation only. */
    public Linear() {}

    /** The layer DL4J's builder describes (DL4J's DenseLayer(Builder) constructor is private: built, then copied). */
    public Linear(DenseLayer.Builder b) { this(b.build()); }

    /** A copy of a built DenseLayer's configuration (every field, as DL4J's own clone would copy it). */
    public Linear(DenseLayer built) { LayerRuntimes.copyConfig(DenseLayer.class, built, this); }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        LayerValidation.assertNInNOutSet("Linear", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerRuntimes.wire(new LinearRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override
    public Linear clone() { return (Linear) super.clone(); }

}
