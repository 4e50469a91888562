package jepa.nn;

import jepa.accel.SameDiffVertices;
import jepa.accel.TorchInitialisable;
import jepa.accel.VjpSameDiffVertex;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * TD-MPC2's NormedLinear, the building block of P-JEPA's dynamics and heads (App. D): Linear → LayerNorm → activation
 * (Mish by default). Input [B, nIn], output [B, nOut].
 * <p>
 * LayerNorm as PyTorch's nn.LayerNorm(nOut): (h − mean)/√(var + eps)·γ + β over the features, biased variance,
 * eps = 1e-5. Written out because DL4J M2.1's layer API has no LayerNorm and {@code sd.nn().layerNorm} has no epsilon.
 * Mish is x·tanh(softplus(x)), exact. No dropout (TD-MPC2 uses it only in its Q-functions' first layer).
 * <p>
 * Parameters: {@code W} [nIn, nOut] (PyTorch weightᵀ), {@code b} [1, nOut], {@code gamma}, {@code beta} [1, nOut].
 * TD-MPC2's init: W ~ truncated normal(0, 0.02) (cut at ±2), b = 0, γ = 1, β = 0.
 * <p>
 * A vertex rather than a SameDiffLayer, with the {@link VjpSameDiffVertex} runtime: M2.1's stock SameDiff layers and
 * vertices backpropagate twice the true gradient, and with LayerNorm's reductions the stock vertex also fails from its
 * second backward pass on and after a change of batch size.
 */
public class NormedLinear extends VjpSameDiffVertex implements TorchInitialisable {
    public static final double EPS = 1e-5;
    /** TD-MPC2's weight_init: nn.init.trunc_normal_(weight, std=0.02), whose cut-off is ±2 absolute. */
    static final double INIT_STD = 0.02, INIT_CUT = 2.0;

    // DL4J serialises configurations with Jackson via bean accessors: private fields need @JsonProperty
    @JsonProperty private int nIn;
    @JsonProperty private int nOut;
    @JsonProperty private Activation activation;

    /** For JSON deserialisation only. */
    public NormedLinear() {}

    /** Mish activation, like TD-MPC2's default. */
    public NormedLinear(int nIn, int nOut) { this(nIn, nOut, Activation.MISH); }

    /** activation: MISH, RELU, TANH, SIGMOID or IDENTITY. */
    public NormedLinear(int nIn, int nOut, Activation activation) {
        if (nIn < 1 || nOut < 1) throw new IllegalArgumentException("NormedLinear sizes must be >= 1, got " + nIn + " → " + nOut);
        if (nOut < 2) throw new IllegalArgumentException("NormedLinear needs nOut >= 2: LayerNorm over one feature is constant");
        switch (activation) {
            case MISH, RELU, TANH, SIGMOID, IDENTITY -> { }
            default -> throw new IllegalArgumentException("NormedLinear activation must be MISH, RELU, TANH, SIGMOID or IDENTITY, got " + activation);
        }
        this.nIn = nIn; this.nOut = nOut; this.activation = activation;
    }

    public int nIn() { return nIn; }
    public int nOut() { return nOut; }
    public Activation activation() { return activation; }

    @Override
    public void defineParametersAndInputs(SDVertexParams p) {
        p.defineInputs("x");
        p.addWeightParam("W", nIn, nOut);
        p.addBiasParam("b", 1, nOut);
        p.addBiasParam("gamma", 1, nOut);
        p.addBiasParam("beta", 1, nOut);
    }

    /** DL4J's own init call: TD-MPC2's rule from ND4J's RNG; {@link #torchInit} does it from a seed. */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get("W");
        w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(INIT_STD));
        params.get("b").assign(0);
        params.get("gamma").assign(1);
        params.get("beta").assign(0);
    }

    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        INDArray w = params.get("W");
        double[] v = new double[Math.toIntExact(w.length())];
        for (int i = 0; i < v.length; i++) {
            double g;
            do g = rng.nextGaussian() * INIT_STD; while (Math.abs(g) > INIT_CUT);
            v[i] = g;
        }
        w.assign(Nd4j.createFromArray(v).reshape(w.shape()).castTo(w.dataType()));
        params.get("b").assign(0);
        params.get("gamma").assign(1);
        params.get("beta").assign(0);
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable h = in.get("x").mmul(p.get("W")).add(p.get("b"));               // [B, nOut]
        SDVariable centred = h.sub(h.mean(true, 1));                               // keepDims: no rank-0 arrays
        SDVariable var = centred.mul(centred).mean(true, 1);                       // biased, like PyTorch
        SDVariable normed = centred.div(sd.math().sqrt(var.add(EPS))).mul(p.get("gamma")).add(p.get("beta"));
        return switch (activation) {
            case MISH -> normed.mul(sd.math().tanh(sd.nn().softplus(normed)));
            case RELU -> sd.nn().relu(normed, 0);
            case TANH -> sd.math().tanh(normed);
            case SIGMOID -> sd.nn().sigmoid(normed);
            case IDENTITY -> normed;
            default -> throw new IllegalStateException("unsupported activation " + activation);
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.feedForward(nOut); }

    @Override
    public long[] outputShape() { return new long[]{-1, nOut}; }

    @Override
    public NormedLinear clone() {
        NormedLinear n = new NormedLinear(nIn, nOut, activation);
        SameDiffVertices.copyTrainingConfig(this, n);
        return n;
    }
}
