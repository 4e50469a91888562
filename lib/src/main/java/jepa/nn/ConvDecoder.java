package jepa.nn;

import jepa.accel.conv.Conv2d;
import jepa.accel.conv.UpsampledConv2d;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;

/**
 * P-JEPA's probe decoder (App. D: "6-layer convolutional decoder trained with MSE on normalized images [−1, 1]"), sized
 * for CPU: Linear(latent → 32·(S/16)²) + ReLU → [nearest ×2 → Conv k3 32→32] → [×2, 32→32] → [×2, 32→16] → Conv k3
 * 16→16 → Conv k3 16→16 → [×2, 16→3], ReLU after every convolution but the last. Each "nearest ×2 → Conv" is one
 * {@link UpsampledConv2d}; no convolution runs at full resolution (a full-resolution patch matrix at 64 px cost more
 * than the whole encoder step). Input [N, latent] (P-JEPA feeds it through {@link Detach}); output [N, 3, S, S].
 * The paper gives only the depth and the loss; this layout is the project's.
 */
public final class ConvDecoder {
    private ConvDecoder() {}

    /** Adds the decoder on {@code input}; returns the name of its last convolution ({@code output}). */
    public static String add(GraphBuilder gb, String input, int latent, int imageSize, String output) {
        if (imageSize % 16 != 0) throw new jepa.settings.ConfigError("counting.image-size must be a multiple of 16 for the decoder, got " + imageSize);
        int s = imageSize / 16;
        String p = output + "_";
        gb.addLayer(p + "fc", new DenseLayer.Builder().nIn(latent).nOut(32L * s * s).activation(Activation.RELU).build(), input);
        gb.addLayer(p + "u1", up(32, 32, Activation.RELU), new FeedForwardToCnnPreProcessor(s, s, 32), p + "fc");
        gb.addLayer(p + "u2", up(32, 32, Activation.RELU), p + "u1");
        gb.addLayer(p + "u3", up(32, 16, Activation.RELU), p + "u2");
        gb.addLayer(p + "c4", conv(16, 16, Activation.RELU), p + "u3");
        gb.addLayer(p + "c5", conv(16, 16, Activation.RELU), p + "c4");
        gb.addLayer(output, up(16, 3, Activation.IDENTITY), p + "c5");
        return output;
    }

    private static UpsampledConv2d up(int nIn, int nOut, Activation act) {
        return new UpsampledConv2d(new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nIn(nIn).nOut(nOut)
                .hasBias(false).activation(act), 2);
    }

    private static Conv2d conv(int nIn, int nOut, Activation act) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nIn(nIn).nOut(nOut).hasBias(true).activation(act);
        b.build();
        return new Conv2d(b);
    }
}
