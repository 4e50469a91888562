package jepa.accel.gru;

import jepa.accel.TorchInitialisable;

import jepa.accel.Backend;
import jepa.accel.ExactGradientVertex;
import jepa.accel.SameDiffVertices;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The forward model (reference §2.3): a PyTorch-semantics GRU, hidden size D, 1..k layers, unrolled over the actions
 * from the encoding of frame 1. The initial hidden state of EVERY layer is z[:, :, 0].
 * <p>
 * Inputs: z [B, D, T] (encoder outputs, only index 0 is used) and actions [B, A, T−1].
 * Output: the rollout [B, D, T]: index 0 = z[:, :, 0], index t ≥ 1 = top-layer hidden state after action t.
 * <p>
 * Unrolled by hand (matmul/sigmoid/tanh): {@code sd.rnn().gruCell} has no gradient in M2.1, and libnd4j's
 * whole-sequence {@code gru} op applies the reset gate before the hidden matmul (r ⊙ h)·W_hn with a single bias,
 * which is not PyTorch's n = tanh(W_in a + b_in + r ⊙ (W_hn h + b_hn)).
 * <p>
 * Parameters of layer l (gate order r, z, n along the 3H columns): {@code Wi<l>} [in, 3H] = PyTorch
 * weight_ih_l&lt;l&gt;ᵀ, {@code Wh<l>} [H, 3H] = weight_hh_l&lt;l&gt;ᵀ, {@code bi<l>} [1, 3H] = bias_ih, {@code bh<l>} [1, 3H]
 * = bias_hh.
 * <p>
 * Runtime: {@link GruRuntime} (hand-written forward and BPTT, same parameters); {@link #defineVertex} is the SameDiff
 * specification it is tested against (GruRuntimeTest builds the stock runtime from it).
 */
public class Gru extends SameDiffVertex implements TorchInitialisable {
    // DL4J serialises configurations with Jackson via bean accessors: private fields need @JsonProperty
    @JsonProperty private int hidden;
    @JsonProperty private int layers;
    @JsonProperty private int frames;
    @JsonProperty private int actionDim;

    /** For JSON deserialisation only. */
    public Gru() {}

    public Gru(int hidden, int layers, int frames, int actionDim) {
        if (hidden < 1) throw new jepa.settings.ConfigError("gru hidden size must be >= 1, got " + hidden);
        if (layers < 1) throw new jepa.settings.ConfigError("gru layers must be >= 1, got " + layers);
        if (frames < 2) throw new jepa.settings.ConfigError("gru frames must be >= 2, got " + frames);
        if (actionDim < 1) throw new jepa.settings.ConfigError("gru action dim must be >= 1, got " + actionDim);
        this.hidden = hidden; this.layers = layers; this.frames = frames; this.actionDim = actionDim;
    }

    public int hidden() { return hidden; }
    public int layers() { return layers; }
    public int frames() { return frames; }

    @Override
    public void defineParametersAndInputs(SDVertexParams p) {
        p.defineInputs("z", "a");
        for (int l = 0; l < layers; l++) {
            p.addWeightParam("Wi" + l, l == 0 ? actionDim : hidden, 3L * hidden);
            p.addWeightParam("Wh" + l, hidden, 3L * hidden);
            p.addBiasParam("bi" + l, 1, 3L * hidden);
            p.addBiasParam("bh" + l, 1, 3L * hidden);
        }
    }

    /** DL4J's own init call: PyTorch's rule from ND4J's RNG; jepa.nn.PytorchInit re-does it from a seed. */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        double bound = 1.0 / Math.sqrt(hidden);
        for (INDArray a : params.values()) a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
    }

    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(hidden);
        for (String k : new java.util.TreeSet<>(params.keySet())) TorchInitialisable.uniform(params.get(k), bound, rng);
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable z = in.get("z");
        SDVariable a = in.get("a");
        SDVariable h0 = z.get(SDIndex.all(), SDIndex.all(), SDIndex.point(0));   // [B, D]
        SDVariable[] h = new SDVariable[layers];
        java.util.Arrays.fill(h, h0);
        List<SDVariable> out = new ArrayList<>(frames);
        out.add(h0);
        for (int t = 0; t < frames - 1; t++) {
            SDVariable x = a.get(SDIndex.all(), SDIndex.all(), SDIndex.point(t)); // [B, A]
            for (int l = 0; l < layers; l++) {
                h[l] = cell(sd, x, h[l], p.get("Wi" + l), p.get("Wh" + l), p.get("bi" + l), p.get("bh" + l));
                x = h[l];
            }
            out.add(x);
        }
        return sd.stack(2, out.toArray(new SDVariable[0]));                       // [B, D, T]
    }

    /** One PyTorch GRU step. */
    private SDVariable cell(SameDiff sd, SDVariable x, SDVariable h, SDVariable wi, SDVariable wh, SDVariable bi, SDVariable bh) {
        SDVariable gi = x.mmul(wi).add(bi);                                       // [B, 3H]
        SDVariable gh = h.mmul(wh).add(bh);
        SDVariable r = sd.nn().sigmoid(gate(gi, 0).add(gate(gh, 0)));
        SDVariable u = sd.nn().sigmoid(gate(gi, 1).add(gate(gh, 1)));
        SDVariable n = sd.math().tanh(gate(gi, 2).add(r.mul(gate(gh, 2))));
        return n.add(u.mul(h.sub(n)));                                             // (1−u)⊙n + u⊙h
    }

    private SDVariable gate(SDVariable g, int k) {
        return g.get(SDIndex.all(), SDIndex.interval((long) k * hidden, (long) (k + 1) * hidden));
    }

    /** The hand-written runtime ({@link GruRuntime}); the SameDiff graph of {@link #defineVertex} is its specification. */
    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams,
                                   DataType dataType) {
        if (Backend.current() == Backend.STOCK) return ExactGradientVertex.of(this, graph, name, idx, paramsView, initializeParams, dataType);
        setName(name);
        return new GruRuntime(this, graph, name, idx, paramsView, initializeParams, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.recurrent(hidden, frames);
    }

    // GraphVertex.clone() is abstract and dl4j-spark clones the configuration: the updater/regularisation fields filled
    // in by applyGlobalConfigToLayer must be copied, or workers fail with "Updater for parameter ... was null".
    @Override
    public Gru clone() {
        Gru g = new Gru();
        g.hidden = hidden; g.layers = layers; g.frames = frames; g.actionDim = actionDim;
        SameDiffVertices.copyTrainingConfig(this, g);
        return g;
    }
}
