package jepa.accel.batchnorm;

import jepa.accel.Backend;
import jepa.accel.LayerRuntimes;
import jepa.accel.NativeLibrary;
import jepa.accel.ParallelLoops;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's BatchNormalization layer (same configuration, JSON, parameters gamma, beta, mean, var and maths) with a
 * runtime that does the 4-D NCHW case in a few Java passes over the contiguous [N, C, H·W] layout.
 * <p>
 * Why (DL4J 1.0.0-M2.1, helper-less CPU, MeNet5 at 1088 images): the stock runtime spends ~16 % of a VICReg training
 * step in {@code var}, detached copies of x−μ and x̂ and a dozen broadcast ops; this one ~3 %. Forward: one pass for
 * the batch statistics, one for y = γ(x−μ)/σ + β into a c-order output. Backward: one pass for Σdy and Σdy·(x−μ),
 * one for dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)). Only the per-channel statistics are kept between the passes.
 * Element loops run in the array's precision (float loops vectorise on Java 17, float→double conversions do not),
 * with per-element sums over blocks of 16 images and per-channel totals in double; the blocks are fixed and combined
 * in order, so results do not depend on the thread count ({@link ParallelLoops}). Where {@link NativeLibrary} is
 * available the float passes run natively ({@link NativeBatchNorm}: the same bits, without copying every image into
 * Java arrays and back).
 * <p>
 * The running statistics follow DL4J exactly: the backward pass writes the "gradients" (1−decay)·(running − batch)
 * (batch variance biased) for mean and var, which DL4J's NoOp updater subtracts, not divided by the minibatch.
 * Anything but NCHW rank 4 float/double without a cuDNN/oneDNN helper, lockGammaBeta or useLogStd takes the stock path.
 */
public class BatchNorm extends BatchNormalization {

    /** For JSON deserialisation only. */
    public BatchNorm() {}

    /** The layer DL4J's builder describes (its constructor from a Builder is private: every field is copied). */
    public BatchNorm(BatchNormalization.Builder b) { LayerRuntimes.copyConfig(BatchNormalization.class, b.build(), this); }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        LayerValidation.assertNOutSet("BatchNorm", getLayerName(), layerIndex, getNOut());
        return LayerRuntimes.wire(new BatchNormRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override
    public BatchNorm clone() { return (BatchNorm) super.clone(); }

}
