package jepa.nn;

import jepa.accel.batchnorm.BatchNorm;
import jepa.accel.conv.Conv2d;
import jepa.accel.dense.AvgPool2d;
import jepa.accel.dense.Linear;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The reference encoder `models.py::MeNet5` (reference §2.1), applied to every frame of a time series at once so that
 * BatchNorm statistics cover all T·B images (reference §8):
 * Conv(C→16w,k5,s2,p2)+ReLU → BN → Conv(16w→32w,k5,s2,p2)+ReLU → BN → Conv(32w→32w,k3,s1,p1)+ReLU → BN →
 * AvgPool 2/2 (7→3) → flatten channel-major (c·9+h·3+w, DL4J's NCHW CnnToFeedForward) → Dense(9·32w→D, identity).
 * <p>
 * Input: a time series [B, C·28·28, T], channel-major features (c·784 + h·28 + w). Output: a vertex named
 * {@code output} giving [B, D, T]. With {@code sumChannels} a parameter-free {@link ChannelSum} vertex first sums the C
 * channels into one (reference §1.8), and the convolutions see one channel.
 * <p>
 * BatchNorm: eps 1e-5, DL4J decay 0.9 (running = 0.9·running + 0.1·batch, i.e. PyTorch momentum 0.1), running
 * statistics used whenever the graph runs with train = false. DL4J updates the running variance with the biased
 * batch variance where PyTorch uses the unbiased one: a factor n/(n−1) with n = T·B·H·W ≥ 17·49, negligible.
 * <p>
 * The convolutions are {@link Conv2d}s: DL4J's layer without its strided copies (same parameters and
 * results, 2–3× faster training steps on CPU); the BatchNorms are {@link BatchNorm}s (DL4J's layer, Java passes);
 * the dense layer is a {@link Linear} and the step back to [B, D, T] an {@link ImagesToFrames} (DL4J's
 * DenseLayer and FeedForwardToRnnPreProcessor without their single-threaded glue).
 */
public final class MeNet5 {
    public static final int IMAGE = 28;
    public static final double BN_EPS = 1e-5;
    public static final double BN_DECAY = 0.9;

    private MeNet5() {}

    /** Adds the encoder on {@code input} ([B, channels·784, frames]); returns {@code output} ([B, embedding, frames]). */
    public static String add(GraphBuilder gb, String input, int channels, int width, int embedding, int frames, String output) {
        return add(gb, input, channels, false, width, embedding, frames, output);
    }

    /** As above; with sumChannels the input's channels are summed into one before the encoder. */
    public static String add(GraphBuilder gb, String input, int channels, boolean sumChannels, int width, int embedding,
                             int frames, String output) {
        if (channels < 1) throw new jepa.settings.ConfigError("encoder channels must be >= 1, got " + channels);
        if (width < 1) throw new jepa.settings.ConfigError("encoder width must be >= 1, got " + width);
        if (embedding < 1) throw new jepa.settings.ConfigError("encoder embedding must be >= 1, got " + embedding);
        String p = output + "_";
        String x = input;
        int cIn = channels;
        if (sumChannels && channels > 1) {
            gb.addVertex(p + "sum", new ChannelSum(channels, IMAGE * IMAGE, frames), x);
            x = p + "sum";
            cIn = 1;
        }
        gb.addLayer(p + "c1", conv(5, 2, 2, cIn, 16 * width, false), new FramesToImages(IMAGE, IMAGE, cIn), x);
        gb.addLayer(p + "bn1", bn(), p + "c1");
        gb.addLayer(p + "c2", conv(5, 2, 2, 16 * width, 32 * width, true), p + "bn1");
        gb.addLayer(p + "bn2", bn(), p + "c2");
        gb.addLayer(p + "c3", conv(3, 1, 1, 32 * width, 32 * width, true), p + "bn2");
        gb.addLayer(p + "bn3", bn(), p + "c3");
        gb.addLayer(p + "pool", new AvgPool2d(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)), p + "bn3");
        gb.addLayer(denseName(output), new Linear(new DenseLayer.Builder().nIn(9L * 32 * width).nOut(embedding).activation(Activation.IDENTITY)), p + "pool");
        // [T·B, D] back to [B, D, T] (DL4J orders the images time-major, row t·B + b); PreprocessorVertex passes B
        gb.addVertex(output, new PreprocessorVertex(new ImagesToFrames()), denseName(output));
        return output;
    }

    /** Name of the encoder's final dense layer (activations [T·B, D], time-major rows t·B + b). */
    public static String denseName(String output) { return output + "_fc"; }

    /** Trainable parameter count (PyTorch's n_params; DL4J additionally stores 2·(16w+32w+32w) BN running stats). */
    public static long trainableParams(int channels, int width, int embedding) {
        long c1 = 16L * width, c2 = 32L * width;
        return (channels * 25L * c1 + c1) + 2 * c1
                + (c1 * 25 * c2 + c2) + 2 * c2
                + (c2 * 9 * c2 + c2) + 2 * c2
                + (9 * c2 * embedding + embedding);
    }

    /** inputGradient: false for the first convolution, whose input is the data (frames, or their channel sum). */
    private static ConvolutionLayer conv(int k, int stride, int pad, int nIn, int nOut, boolean inputGradient) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(pad, pad).nIn(nIn).nOut(nOut)
                .hasBias(true).activation(Activation.RELU);   // conv → ReLU, then the BN layer
        b.build();                                              // DL4J's validation of kernel/stride/padding
        return new Conv2d(b, inputGradient);     // same layer, ~8× faster forward on CPU
    }

    private static BatchNormalization bn() {
        // DL4J's layer and parameters, runtime ~10× faster on CPU (BatchNorm)
        return new BatchNorm(new BatchNormalization.Builder().eps(BN_EPS).decay(BN_DECAY).useLogStd(false));
    }
}
