package jepa.nn;

import jepa.accel.conv.Conv2d;
import jepa.accel.dense.Linear;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * P-JEPA's encoder at the paper's scale (App. D, "69-layer ResNet-style CNN", 12,260,192 parameters): stem
 * Conv(3→32, k7, s2, p3, no bias) + ReLU → MaxPool(k3, s2, p1); four stages of {@link #BLOCKS} basic blocks at 32, 64,
 * 128, 256 channels (stages 2–4 start with stride 2); global average pool; Linear(256 → latent). No normalisation.
 * <p>
 * A basic block: Conv(k3, stride s, p1, no bias) + ReLU → Conv(k3, p1, no bias), plus the skip (the input, or a 1×1
 * stride-2 projection Conv without bias where the shape changes), then ReLU: He et al.'s block without BatchNorm. The
 * convolutions are the project's {@link Conv2d}; the second convolution of a block, whose output enters the sum
 * before its ReLU, is linear (see Conv2d for which convolutions take the native kernels).
 */
public final class ResNetEncoder {
    public static final int[] WIDTHS = {32, 64, 128, 256};
    public static final int BLOCKS = 8;

    private ResNetEncoder() {}

    /** Adds the encoder on {@code input} ([N, 3, S, S]); returns {@code output} ([N, latent]). */
    public static String add(GraphBuilder gb, String input, int latent, IUpdater updater, String output) {
        String p = output + "_";
        gb.addLayer(p + "stem", conv(7, 2, 3, 3, WIDTHS[0], Activation.RELU, false, updater), input);
        gb.addLayer(p + "pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2).padding(1, 1).build(), p + "stem");
        String x = p + "pool";
        int c = WIDTHS[0];
        for (int stage = 0; stage < WIDTHS.length; stage++)
            for (int block = 0; block < BLOCKS; block++) {
                int out = WIDTHS[stage], stride = stage > 0 && block == 0 ? 2 : 1;
                x = block(gb, x, p + "s" + stage + "b" + block + "_", c, out, stride, updater);
                c = out;
            }
        gb.addLayer(p + "gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        gb.addLayer(output, new Linear(new DenseLayer.Builder().nIn(c).nOut(latent).activation(Activation.IDENTITY).updater(updater)), p + "gap");
        return output;
    }

    private static String block(GraphBuilder gb, String in, String p, int cIn, int cOut, int stride, IUpdater updater) {
        gb.addLayer(p + "c1", conv(3, stride, 1, cIn, cOut, Activation.RELU, true, updater), in);
        gb.addLayer(p + "c2", conv(3, 1, 1, cOut, cOut, Activation.IDENTITY, true, updater), p + "c1");
        String skip = in;
        if (stride != 1 || cIn != cOut) {
            gb.addLayer(p + "down", conv(1, stride, 0, cIn, cOut, Activation.IDENTITY, true, updater), in);
            skip = p + "down";
        }
        gb.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), p + "c2", skip);
        gb.addLayer(p + "relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "add");
        return p + "relu";
    }

    /** Parameters (the paper's count for latent 256: 12,260,192). */
    public static long params(int latent) {
        long n = 3L * 49 * WIDTHS[0];
        int c = WIDTHS[0];
        for (int stage = 0; stage < WIDTHS.length; stage++)
            for (int block = 0; block < BLOCKS; block++) {
                int out = WIDTHS[stage];
                n += 9L * c * out + 9L * out * out + (c != out ? (long) c * out : 0);
                c = out;
            }
        return n + (long) c * latent + latent;
    }

    private static Conv2d conv(int k, int stride, int pad, int nIn, int nOut, Activation act, boolean inputGradient, IUpdater updater) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(pad, pad).nIn(nIn).nOut(nOut)
                .hasBias(false).activation(act).updater(updater);
        b.build();
        return new Conv2d(b, inputGradient);
    }
}
