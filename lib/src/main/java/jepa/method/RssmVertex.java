package jepa.method;

import jepa.accel.TorchInitialisable;
import jepa.accel.VjpSameDiffVertex;

import jepa.nn.PytorchInit;
import jepa.accel.SameDiffVertices;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The reference RSSM's predictor and posterior (`rssm.py`, reference §2.5, reference §3.4, reference §5.2), unrolled over the 16 actions.
 * <p>
 * Inputs: e [B, D, T] (encoder outputs), a [B, A, T−1] (actions), n [B, D, 3T] (standard normal noise,
 * {@link jepa.nn.GaussianNoise}). Output [B, 4D, T], four blocks along dim 1:
 * <ol>
 * <li>z_t: the prior sample the frame t is decoded from (t = 0: the initial prior on h_1, without min_var);</li>
 * <li>h_t: the belief (h_1 = e_1, then GRUCell(ReLU(W[z, a]), h));</li>
 * <li>kl_t: KL(N(μ_p, s_p) ‖ N(μ_q, s_q)) per batch row and feature (t = 0: zeros), min_var on both stds;</li>
 * <li>the probe rollout of beliefs (reference predict_sequence): h_1 = e_1, every step fed a prior sample with
 *     softplus std and NO min_var; carries no gradient.</li>
 * </ol>
 * Samples are μ + s ⊙ n behind a stop-gradient: no gradient flows through any sample (reference `.sample()`).
 * Noise slots: n[:, :, t] the prior sample at belief t (training), n[:, :, T + t] the posterior sample after step t,
 * n[:, :, 2T + t] the rollout's prior sample at belief t.
 * <p>
 * Parameters (DL4J layout W [in, out], PyTorch init U(±1/√fan_in), GRU U(±1/√D)): rnn_input_net {@code rW, rb};
 * GRUCell {@code gWi, gWh, gbi, gbh} (gate order r, z, n; written by hand: gruCell has no gradient in M2.1);
 * prior heads {@code pmW, pmb, psW, psb}; posterior heads {@code qm1W, qm1b, qm2W, qm2b, qs1W, qs1b, qs2W, qs2b}
 * on [e_t, h_t].
 */
public class RssmVertex extends VjpSameDiffVertex implements TorchInitialisable {
    @JsonProperty private int d;
    @JsonProperty private int frames;
    @JsonProperty private int actionDim;
    @JsonProperty private double minVar;
    @JsonProperty private boolean detachSamples = true;

    /** For JSON deserialisation only. */
    public RssmVertex() {}

    /**
     * @param detachSamples true as in the reference; false only for finite-difference checks of the whole graph
     *                      (with zero noise the samples are then differentiable means)
     */
    public RssmVertex(int d, int frames, int actionDim, double minVar, boolean detachSamples) {
        if (d < 1) throw new jepa.settings.ConfigError("rssm embedding must be >= 1, got " + d);
        if (frames < 2) throw new jepa.settings.ConfigError("rssm frames must be >= 2, got " + frames);
        if (actionDim < 1) throw new jepa.settings.ConfigError("rssm action dim must be >= 1, got " + actionDim);
        if (!(minVar >= 0)) throw new jepa.settings.ConfigError("method.rssm.min-var must be >= 0, got " + minVar);
        this.d = d; this.frames = frames; this.actionDim = actionDim; this.minVar = minVar; this.detachSamples = detachSamples;
    }

    public int d() { return d; }
    public double minVar() { return minVar; }

    @Override
    public void defineParametersAndInputs(SDVertexParams p) {
        p.defineInputs("e", "a", "n");
        dense(p, "r", d + actionDim, d);
        p.addWeightParam("gWi", d, 3L * d);
        p.addWeightParam("gWh", d, 3L * d);
        p.addBiasParam("gbi", 1, 3L * d);
        p.addBiasParam("gbh", 1, 3L * d);
        dense(p, "pm", d, d);
        dense(p, "ps", d, d);
        dense(p, "qm1", 2 * d, d);
        dense(p, "qm2", d, d);
        dense(p, "qs1", 2 * d, d);
        dense(p, "qs2", d, d);
    }

    private static void dense(SDVertexParams p, String k, long in, long out) {
        p.addWeightParam(k + "W", in, out);
        p.addBiasParam(k + "b", 1, out);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        torchInit(params, new SplittableRandom(Nd4j.getRandom().nextLong()));
    }

    /** PyTorch's Linear rule per head (bound 1/√fan_in, fan_in = the head's W rows) and GRUCell's 1/√D. */
    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        for (String k : new TreeSet<>(params.keySet())) {
            String head = k.substring(0, k.length() - 1);
            double bound = k.startsWith("g") ? 1.0 / Math.sqrt(d) : 1.0 / Math.sqrt(params.get(head + "W").size(0));
            PytorchInit.uniform(params.get(k), bound, rng);
        }
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable e = in.get("e"), a = in.get("a"), n = in.get("n");
        SDVariable h1 = slice(e, 0);
        SDVariable mu0 = relu(sd, lin(h1, p, "pm"), 0);
        SDVariable s0 = softplus(sd, relu(sd, lin(h1, p, "ps"), 0));              // no min_var on the initial prior
        // the recurrence needs only the posterior (its sample is the next GRU input); the prior heads, the prior
        // samples to decode and the KL are computed once after the loop on all 16 beliefs (fewer SameDiff ops)
        List<SDVariable> hs = new ArrayList<>(), mqs = new ArrayList<>(), sqs = new ArrayList<>(), roll = new ArrayList<>();
        SDVariable z0 = sample(sd, mu0, s0, slice(n, 0));
        SDVariable z = z0, h = h1;
        for (int t = 1; t < frames; t++) {
            h = step(sd, p, z, slice(a, t - 1), h);
            SDVariable et = slice(e, t);
            SDVariable mq = relu(sd, lin(relu(sd, lin2(et, h, p, "qm1", 2L * d), 0), p, "qm2"), 0);
            SDVariable sq = softplus(sd, relu(sd, lin(relu(sd, lin2(et, h, p, "qs1", 2L * d), 0), p, "qs2"), 0)).add(minVar);
            hs.add(h);
            mqs.add(mq);
            sqs.add(sq);
            // the next GRU input; none after the last step (an unused variable would become a second SameDiff loss)
            if (t < frames - 1) z = sample(sd, mq, sq, slice(n, frames + t));
        }
        int steps = frames - 1;
        SDVariable hAll = rows(sd, hs), mq = rows(sd, mqs), sq = rows(sd, sqs);                  // [S·B, D], row s·B + b
        SDVariable mp = relu(sd, lin(hAll, p, "pm"), 0);
        SDVariable sp = softplus(sd, relu(sd, lin(hAll, p, "ps"), 0)).add(minVar);
        SDVariable nPrior = n.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(1, frames)).permute(2, 0, 1).reshape(-1, d);
        SDVariable zPrior = series(sample(sd, mp, sp, nPrior), steps);                             // [B, D, S]
        SDVariable klAll = series(kl(sd, mp, sp, mq, sq), steps);
        SDVariable zBlock = sd.concat(2, z0.reshape(-1, d, 1), zPrior);
        SDVariable hBlock = sd.concat(2, h1.reshape(-1, d, 1), series(hAll, steps));
        SDVariable klBlock = sd.concat(2, h1.mul(0.0).reshape(-1, d, 1), klAll);
        // predict_sequence: prior samples, softplus std without min_var
        SDVariable hr = h1, zr = sample(sd, mu0, s0, slice(n, 2 * frames));
        roll.add(hr);
        for (int t = 1; t < frames; t++) {
            hr = step(sd, p, zr, slice(a, t - 1), hr);
            roll.add(hr);
            if (t < frames - 1) {
                SDVariable mr = relu(sd, lin(hr, p, "pm"), 0);
                SDVariable sr = softplus(sd, relu(sd, lin(hr, p, "ps"), 0));
                zr = sample(sd, mr, sr, slice(n, 2 * frames + t));
            }
        }
        SDVariable rollout = stop(sd, sd.stack(2, roll.toArray(new SDVariable[0])));
        return sd.concat(1, zBlock, hBlock, klBlock, rollout);                                    // [B, 4D, T]
    }

    /** [B, D] per step → [S·B, D] (row s·B + b). */
    private SDVariable rows(SameDiff sd, List<SDVariable> perStep) {
        return sd.stack(0, perStep.toArray(new SDVariable[0])).reshape(-1, d);                    // [S, B, D] → [S·B, D]
    }

    /** [S·B, D] (row s·B + b) → [B, D, S]. */
    private SDVariable series(SDVariable r, int steps) {
        return r.reshape(steps, -1, d).permute(1, 2, 0);
    }

    /** Deterministic step: x = ReLU(W[z, a] + b), h' = GRUCell(x, h) (PyTorch gate order r, z, n). */
    private SDVariable step(SameDiff sd, Map<String, SDVariable> p, SDVariable z, SDVariable a, SDVariable h) {
        SDVariable x = relu(sd, lin2(z, a, p, "r", (long) d + actionDim), 0);
        SDVariable gi = x.mmul(p.get("gWi")).add(p.get("gbi"));
        SDVariable gh = h.mmul(p.get("gWh")).add(p.get("gbh"));
        SDVariable r = sd.nn().sigmoid(gate(gi, 0).add(gate(gh, 0)));
        SDVariable u = sd.nn().sigmoid(gate(gi, 1).add(gate(gh, 1)));
        SDVariable nn = sd.math().tanh(gate(gi, 2).add(r.mul(gate(gh, 2))));
        return nn.add(u.mul(h.sub(nn)));                                                   // (1−u)⊙n + u⊙h
    }

    /**
     * KL(N(μp, sp) ‖ N(μq, sq)) elementwise, s = standard deviations: log(sq/sp) + (sp² + (μp − μq)²)/(2 sq²) − ½.
     */
    static SDVariable kl(SameDiff sd, SDVariable mp, SDVariable sp, SDVariable mq, SDVariable sq) {
        SDVariable num = sd.math().square(sp).add(sd.math().square(mp.sub(mq)));
        return sd.math().log(sq).sub(sd.math().log(sp)).add(num.div(sd.math().square(sq).mul(2.0))).sub(0.5);
    }

    /** PyTorch softplus log(1 + eˣ) for x ≥ 0 (our inputs are ReLU outputs), without overflow: x + log(1 + e^−x). */
    static SDVariable softplus(SameDiff sd, SDVariable x) {
        return x.add(sd.math().log(sd.math().exp(x.neg()).add(1.0)));
    }

    private SDVariable sample(SameDiff sd, SDVariable mu, SDVariable s, SDVariable eps) {
        SDVariable z = mu.add(s.mul(eps));
        return detachSamples ? stop(sd, z) : z;
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) { return new StopGradient(sd, x).outputVariable(); }

    private static SDVariable relu(SameDiff sd, SDVariable x, double cutoff) {
        return sd.nn().relu(x, cutoff);
    }

    /** Linear on the concatenation [x, y] (x has D features) without a concat op: x·W[:D] + y·W[D:] + b. */
    private SDVariable lin2(SDVariable x, SDVariable y, Map<String, SDVariable> p, String k, long rows) {
        SDVariable w = p.get(k + "W");
        SDVariable wx = w.get(SDIndex.interval(0L, (long) d), SDIndex.all()), wy = w.get(SDIndex.interval((long) d, rows), SDIndex.all());
        return x.mmul(wx).add(y.mmul(wy)).add(p.get(k + "b"));
    }

    private static SDVariable lin(SDVariable x, Map<String, SDVariable> p, String k) {
        return x.mmul(p.get(k + "W")).add(p.get(k + "b"));
    }

    private static SDVariable slice(SDVariable x, int t) { return x.get(SDIndex.all(), SDIndex.all(), SDIndex.point(t)); }

    private SDVariable gate(SDVariable g, int k) {
        return g.get(SDIndex.all(), SDIndex.interval((long) k * d, (long) (k + 1) * d));
    }

    // Runs on VjpSameDiffVertex's runtime: M2.1's stock SameDiffGraphVertex gave garbage/NaN gradients from the
    // second backward pass on for this graph and doubles the gradient; rebuilding the graph per pass cost ~3 s a step.
    @Override
    public long[] outputShape() { return new long[]{-1, 4L * d, frames}; }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.recurrent(4L * d, frames); }

    @Override
    public RssmVertex clone() {
        RssmVertex v = new RssmVertex();
        v.d = d; v.frames = frames; v.actionDim = actionDim; v.minVar = minVar; v.detachSamples = detachSamples;
        SameDiffVertices.copyTrainingConfig(this, v);
        return v;
    }
}
