package jepa.method;

import jepa.accel.loss.LossScale;

import jepa.nn.BilinearResize;
import jepa.nn.MeNet5Decoder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * The reference RSSM loss (`rssm.py::RSSMPredMultistep.forward`, reference §3.4) as a SameDiffOutputLayer.
 * <p>
 * Input x [B, C·54·54 + 2D, T]: the decoder's 54×54 frames (from the prior sample and the belief), then the
 * elementwise KL of {@link RssmVertex} (t = 0 unused), then the belief rollout (unused: it is only there so that DL4J
 * sees the probe's "rollout" vertex connected). Labels [B, C·28·28, T]: the normalised frames as the encoder
 * sees them (channel-summed for a 1-channel model on the 3-dot world).
 * L = (Σ_{t=1..T} MSE(resize₂₈(dec_t), o_t) + Σ_{t=2..T} max(mean_{B,D} kl_t, freeNats)) / (T − 1):
 * T reconstructions and T − 1 KL terms divided by T − 1 = 16, as the code does. The free-nats floor is written as
 * ReLU(kl − f) + f: same value, zero gradient below f.
 * Returned as B·L ({@link LossScale}); labels are real, so workaround #2 does not arise.
 */
public class RssmLoss extends SameDiffOutputLayer {
    @JsonProperty private int d;
    @JsonProperty private int channels;
    @JsonProperty private int frames;
    @JsonProperty private double freeNats;

    /** For JSON deserialisation only. */
    public RssmLoss() {}

    public RssmLoss(int d, int channels, int frames, double freeNats) {
        if (d < 1) throw new jepa.settings.ConfigError("rssm embedding must be >= 1, got " + d);
        if (channels < 1) throw new jepa.settings.ConfigError("rssm decoder channels must be >= 1, got " + channels);
        if (frames < 2) throw new jepa.settings.ConfigError("rssm frames must be >= 2, got " + frames);
        if (!(freeNats >= 0)) throw new jepa.settings.ConfigError("method.rssm.free-nats must be >= 0, got " + freeNats);
        this.d = d; this.channels = channels; this.frames = frames; this.freeNats = freeNats;
    }

    public double freeNats() { return freeNats; }

    static final int PIX = MeNet5Decoder.SIZE * MeNet5Decoder.SIZE;

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> p) {
        SDVariable rec = reconstruction(sd, x, labels);                                          // [1,1,1]
        SDVariable kl = klPerStep(sd, x);                                                        // [1,1,T-1]
        SDVariable floored = sd.nn().relu(kl.sub(freeNats), 0).add(freeNats).sum(true, 2);
        SDVariable l = rec.mul((double) frames).add(floored).div(frames - 1.0);
        return LossScale.asDl4jScore(sd, l, LossScale.batchCount(sd, x));
    }

    /** Mean squared error over batch, frames and pixels of the resized decodings against the labels, [1,1,1]. */
    private SDVariable reconstruction(SameDiff sd, SDVariable x, SDVariable labels) {
        int o = MeNet5Decoder.OUT;
        SDVariable dec = x.get(SDIndex.all(), SDIndex.interval(0L, (long) channels * PIX), SDIndex.all())
                .permute(0, 2, 1).reshape(-1, MeNet5Decoder.SIZE, MeNet5Decoder.SIZE);              // [B·T·C, 54, 54]
        SDVariable img = BilinearResize.apply(sd, dec, MeNet5Decoder.SIZE, o).reshape(-1, o * o);  // [B·T·C, 784]
        SDVariable lab = labels.permute(0, 2, 1).reshape(-1, o * o);
        return sd.math().square(img.sub(lab)).mean(true, 0, 1).reshape(1, 1, 1);
    }

    /** mean over batch and features of the KL, per step t = 2..T: [1, 1, T−1]. */
    private SDVariable klPerStep(SameDiff sd, SDVariable x) {
        long off = (long) channels * PIX;
        return x.get(SDIndex.all(), SDIndex.interval(off, off + d), SDIndex.interval(1, frames)).mean(true, 0, 1);
    }

    /** The loss and its two parts: rec = per-pixel MSE averaged over frames, kl = raw KL averaged over steps. */
    public record Terms(double total, double rec, double kl) {}

    /** The loss computed with ND4J in double outside the graph, on the layer input x and the labels. */
    public Terms terms(INDArray x, INDArray labels) {
        x = x.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        labels = labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        long b = x.size(0), off = (long) channels * PIX;
        INDArray dec = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, off), NDArrayIndex.all()).permute(0, 2, 1).dup('c')
                .reshape('c', -1, MeNet5Decoder.SIZE, MeNet5Decoder.SIZE);
        INDArray img = BilinearResize.apply(dec, MeNet5Decoder.SIZE, MeNet5Decoder.OUT).reshape('c', b, frames, -1);
        INDArray lab = labels.permute(0, 2, 1).dup('c').reshape('c', b, frames, -1);
        double rec = Transforms.pow(img.sub(lab), 2).meanNumber().doubleValue();
        double klSum = 0, floored = 0;
        for (int t = 1; t < frames; t++) {
            double k = x.get(NDArrayIndex.all(), NDArrayIndex.interval(off, off + d), NDArrayIndex.point(t)).meanNumber().doubleValue();
            klSum += k;
            floored += Math.max(k, freeNats);
        }
        return new Terms((frames * rec + floored) / (frames - 1), rec, klSum / (frames - 1));
    }

    @Override public boolean labelsRequired() { return true; }
    @Override public String activationsVertexName() { return "input"; }
    @Override public void defineParameters(SDLayerParams params) {}
    @Override public void initializeParameters(Map<String, INDArray> params) {}

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent((long) channels * PIX + 2L * d, frames);
    }
}
