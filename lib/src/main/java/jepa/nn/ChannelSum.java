package jepa.nn;

import jepa.accel.ExactSameDiffVertex;
import jepa.accel.SameDiffVertices;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * Sums the (already normalised) channels of a frame time series into one (reference §1.8: a 1-channel model on the
 * 3-dot world). Input [B, C·P, T] with channel-major features (c·P + pixel), output [B, P, T]. No parameters.
 */
public class ChannelSum extends ExactSameDiffVertex {
    // DL4J serialises configurations with Jackson via bean accessors: private fields need @JsonProperty
    @JsonProperty private int channels;
    @JsonProperty private int pixels;
    @JsonProperty private int frames;

    /** For JSON deserialisation only. */
    public ChannelSum() {}

    public ChannelSum(int channels, int pixels, int frames) {
        this.channels = channels; this.pixels = pixels; this.frames = frames;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams p) { p.defineInputs("x"); }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {}

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable x = in.get("x");
        // a sum of channel slices works for any batch and time length (encode() may pass fewer frames)
        SDVariable sum = slice(x, 0);
        for (int c = 1; c < channels; c++) sum = sum.add(slice(x, c));
        return sum;                                                                 // [B, P, T]
    }

    private SDVariable slice(SDVariable x, int c) {
        return x.get(SDIndex.all(), SDIndex.interval((long) c * pixels, (long) (c + 1) * pixels), SDIndex.all());
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.recurrent(pixels, frames);
    }

    @Override
    public ChannelSum clone() {
        ChannelSum c = new ChannelSum(channels, pixels, frames);
        SameDiffVertices.copyTrainingConfig(this, c);
        return c;
    }
}
