package jepa.accel.loss;

import jepa.settings.ConfigError;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The input contract shared by the whole-batch loss layers: x = [B, 2D, T] (T = 17 frames) where
 * x[:, 0:D, t] is the rollout (t = 0 the encoder output s_1, t >= 1 the GRU prediction s~_{t+1}) and
 * x[:, D:2D, t] is the encoder output s_{t+1}.
 *
 * DL4J M2.1 workarounds kept here for every subclass (dl4j-notes §4):
 * labelsRequired() stays true (losses without labels take a dummy [B,1] label), the loss is registered with
 * setLossVariables inside defineLayer, and no intermediate is rank 0 (reduce with keepDims).
 * Scale ({@link LossScale}, MinibatchScalingTest): a subclass computes the reference batch-mean loss L and ends with
 * {@link #finish}, which returns B·L; then under miniBatch(true) (DL4J's default, kept by {@link JepaNetwork})
 * cg.score() = L and one update uses exactly ∂L/∂θ.
 */
public abstract class RolloutLossLayer extends SameDiffOutputLayer {
    public static final int FRAMES = 17;

    // DL4J's JSON mapper sees only bean getters/annotated fields: without @JsonProperty a JSON round trip
    // (dl4j-spark, ModelSerializer) silently resets these to their defaults.
    @JsonProperty protected int d;
    @JsonProperty protected int frames = FRAMES;

    protected RolloutLossLayer() {}   // for JSON

    protected RolloutLossLayer(int d, int frames) {
        if (d < 1) throw new ConfigError("loss representation size d must be >= 1, got " + d);
        if (frames < 2) throw new ConfigError("loss frames must be >= 2, got " + frames);
        this.d = d;
        this.frames = frames;
    }

    public int d() { return d; }
    public int frames() { return frames; }

    /** x[:, 0:D, from:to]: the rollout representation (s_1, then predictions). */
    protected SDVariable rollout(SDVariable x, int from, int to) {
        return x.get(SDIndex.all(), SDIndex.interval(0, d), SDIndex.interval(from, to));
    }

    /** x[:, D:2D, from:to]: the encoder outputs. */
    protected SDVariable encoded(SDVariable x, int from, int to) {
        return x.get(SDIndex.all(), SDIndex.interval(d, 2 * d), SDIndex.interval(from, to));
    }

    /**
     * Hands the batch-mean loss L (one element, keepDims) to DL4J as B·L of shape [1,1] and registers it as the
     * graph's loss; x is the layer input, only used to count the batch.
     */
    protected static SDVariable finish(SameDiff sd, SDVariable x, SDVariable meanLoss) {
        return LossScale.asDl4jScore(sd, meanLoss, LossScale.batchCount(sd, x));
    }

    // M2.1: with false, the runtime still feeds a "labels" placeholder -> "No variable/placeholder with name labels".
    @Override public boolean labelsRequired() { return true; }

    /** Shape check for the plain-Java references, which take x[b][c][t] in the layer's input layout. */
    protected static void checkShape(double[][][] x, int d, int frames) {
        if (x.length == 0 || x[0].length != 2 * d || x[0][0].length != frames)
            throw new IllegalArgumentException("expected x[B][2D=" + 2 * d + "][" + frames + "]");
    }
}
