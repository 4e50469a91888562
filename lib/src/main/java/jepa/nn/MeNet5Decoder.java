package jepa.nn;

import jepa.accel.conv.UpsampledConv2d;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.Activation;

/**
 * The reference decoder `models.py::MeNet5Decoder` (reference §2.5) as DL4J layers, applied to every frame of a time
 * series at once (BN statistics over all T·B images, as the reference's train-mode decoder):
 * Linear(in → 32w·3·3)+ReLU → view [32w,3,3] → nearest ×2 (6×6) → Conv(32w→32w,k3,p1,no bias)+ReLU → BN →
 * nearest ×3 (18×18) → Conv(32w→16w,k5,p2,no bias)+ReLU → BN → nearest ×3 (54×54) → Conv(16w→C,k5,p2,no bias).
 * The final bilinear 54→28 resize is left to the consumer ({@link BilinearResize}), so the output is
 * [B, C·54·54, T] (channel-major c·2916 + h·54 + w).
 * <p>
 * Each "nearest ×s → Conv" pair is one {@link UpsampledConv2d} (same W, same maths, the upsampled image never
 * formed): with DL4J's Upsampling2D + ConvolutionLayer the last conv's im2col matrix alone was 5 GB at B = 64, w = 1.
 */
public final class MeNet5Decoder {
    public static final int SIZE = 54, OUT = MeNet5.IMAGE;

    private MeNet5Decoder() {}

    /** Adds the decoder on {@code input} ([B, in, T]); returns {@code output} ([B, channels·54·54, T]). */
    public static String add(GraphBuilder gb, String input, int in, int width, int channels, String output) {
        String p = output + "_";
        int c1 = 32 * width, c2 = 16 * width;
        gb.addLayer(p + "fc", new DenseLayer.Builder().nIn(in).nOut(9L * c1).activation(Activation.RELU).build(),
                new RnnToFeedForwardPreProcessor(), input);
        // each "nearest ×s → conv" pair is one UpsampledConv2d (same parameter, the upsampled image never formed)
        gb.addLayer(p + "c1", conv(2, 3, 1, c1, c1, Activation.RELU), new FeedForwardToCnnPreProcessor(3, 3, c1), p + "fc");
        gb.addLayer(p + "bn1", bn(), p + "c1");
        gb.addLayer(p + "c2", conv(3, 5, 2, c1, c2, Activation.RELU), p + "bn1");
        gb.addLayer(p + "bn2", bn(), p + "c2");
        gb.addLayer(p + "c3", conv(3, 5, 2, c2, channels, Activation.IDENTITY), p + "bn2");
        gb.addVertex(output, new PreprocessorVertex(new ComposableInputPreProcessor(
                new CnnToFeedForwardPreProcessor(SIZE, SIZE, channels), new FeedForwardToRnnPreProcessor())), p + "c3");
        return output;
    }

    /** Trainable parameters (PyTorch's count). */
    public static long trainableParams(int in, int width, int channels) {
        long c1 = 32L * width, c2 = 16L * width;
        return (in * 9 * c1 + 9 * c1) + (c1 * 9 * c1) + 2 * c1 + (c1 * 25 * c2) + 2 * c2 + c2 * 25 * channels;
    }

    private static UpsampledConv2d conv(int scale, int k, int pad, int nIn, int nOut, Activation act) {
        return new UpsampledConv2d(new ConvolutionLayer.Builder(k, k).stride(1, 1).padding(pad, pad).nIn(nIn).nOut(nOut)
                .hasBias(false).activation(act), scale);
    }

    private static BatchNormalization bn() {
        return new BatchNormalization.Builder().eps(MeNet5.BN_EPS).decay(MeNet5.BN_DECAY).useLogStd(false).build();
    }
}
