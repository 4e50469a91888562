package jepa.nn;

import jepa.accel.conv.Conv2d;
import jepa.accel.dense.Linear;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * TD-MPC2's default pixel encoder ({@code layers.conv}), P-JEPA's encoder at the quick scale: Conv(3→32, k7, s2) + ReLU
 * → Conv(32→32, k5, s2) + ReLU → Conv(32→32, k3, s2) + ReLU → Conv(32→32, k3, s1) → flatten (channel-major) →
 * Linear(32·h·w → latent), no padding (64 px: 29, 13, 6, 4, so 512 → 256). TD-MPC2 ends in SimNorm; P-JEPA's latent is
 * unconstrained, as after the paper's ResNet, so a linear layer takes the flattened features to the latent size.
 * Input [N, 3, S, S] in [−0.5, 0.5]; output [N, latent].
 */
public final class ConvEncoder {
    public static final int CHANNELS = 32;

    private ConvEncoder() {}

    /** Adds the encoder on {@code input}; {@code updater} for its parameters (P-JEPA: the encoder's own learning rate). */
    public static String add(GraphBuilder gb, String input, int imageSize, int latent, IUpdater updater, String output) {
        String p = output + "_";
        int s1 = out(imageSize, 7, 2), s2 = out(s1, 5, 2), s3 = out(s2, 3, 2), s4 = out(s3, 3, 1);
        if (s4 < 1) throw new jepa.settings.ConfigError("counting.image-size = " + imageSize + " is too small for the conv encoder");
        gb.addLayer(p + "c1", conv(7, 2, 3, Activation.RELU, false, updater), input);
        gb.addLayer(p + "c2", conv(5, 2, CHANNELS, Activation.RELU, true, updater), p + "c1");
        gb.addLayer(p + "c3", conv(3, 2, CHANNELS, Activation.RELU, true, updater), p + "c2");
        gb.addLayer(p + "c4", conv(3, 1, CHANNELS, Activation.IDENTITY, true, updater), p + "c3");
        gb.addLayer(output, new Linear(new DenseLayer.Builder().nIn((long) CHANNELS * s4 * s4).nOut(latent)
                .activation(Activation.IDENTITY).updater(updater)), p + "c4");
        return output;
    }

    /** Parameters: the four convolutions (with biases) and the linear layer. */
    public static long params(int imageSize, int latent) {
        int s4 = out(out(out(out(imageSize, 7, 2), 5, 2), 3, 2), 3, 1);
        long c = CHANNELS;
        return (3 * 49 * c + c) + (c * 25 * c + c) + 2 * (c * 9 * c + c) + (c * s4 * s4 * latent + latent);
    }

    private static int out(int size, int k, int s) { return (size - k) / s + 1; }

    private static Conv2d conv(int k, int stride, int nIn, Activation act, boolean inputGradient, IUpdater updater) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(0, 0).nIn(nIn).nOut(CHANNELS)
                .hasBias(true).activation(act).updater(updater);
        b.build();                                  // DL4J's validation of kernel/stride/padding
        return new Conv2d(b, inputGradient);
    }
}
