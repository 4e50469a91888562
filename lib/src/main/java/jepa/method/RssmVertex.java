package jepa.method;

import jepa.accel.TorchInitialisable;

import jepa.nn.PytorchInit;
import jepa.accel.SameDiffVertices;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
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
public class RssmVertex extends SameDiffVertex implements TorchInitialisable {
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

    // M2.1: the stock SameDiffGraphVertex doubles the gradient (see ExactGradientVertex)
    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(org.deeplearning4j.nn.graph.ComputationGraph graph, String name,
            int idx, INDArray paramsView, boolean initializeParams, org.nd4j.linalg.api.buffer.DataType dataType) {
        setName(name);
        return new VjpVertex(this, graph, name, idx, paramsView, initializeParams, dataType);
    }

    /**
     * The runtime vertex: its own SameDiff, built once, differentiated once, reused every pass.
     * <p>
     * M2.1's stock SameDiffGraphVertex injects the incoming epsilon through an ExternalErrorsFunction; on this graph
     * its cached gradient function gave garbage/NaN gradients from the second backward pass on (even with every
     * output block multiplied by 0, so the corruption enters with the epsilon itself; a fresh gradient session or
     * cleared op arrays did not help, only a new gradient function), and it doubles the gradient (see
     * ExactGradientVertex). Rebuilding the graph per pass cost ~3 s per step. Here the vector-Jacobian product is an
     * ordinary SameDiff loss instead: L = Σ out ⊙ ε with ε a placeholder, so dL/dθ and dL/d(inputs) are exactly the
     * backpropagated gradients (no halving), and the gradient function is created once
     * (RssmGradientTest.repeatedBackwardPassesAgree, vertexDecoderAndLossMatchFiniteDifferences...).
     */
    static final class VjpVertex extends org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex {
        private static final String EPS = "rssm_epsilon", LOSS = "rssm_vjp";
        private SameDiff vjp;
        private String out;
        private List<String> inputNames;

        VjpVertex(SameDiffVertex config, org.deeplearning4j.nn.graph.ComputationGraph graph, String name, int index, INDArray paramsView,
                boolean initParams, org.nd4j.linalg.api.buffer.DataType dataType) {
            super(config, graph, name, index, paramsView, initParams, dataType);
        }

        private void build() {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                SameDiff sd = SameDiff.create();
                // views: the variables ARE DL4J's parameter views, so updates are seen without copying
                sd.setArrayHolders(new org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder(),
                        new org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder(), false);
                inputNames = config.getVertexParams().getInputs();
                Map<String, SDVariable> in = new java.util.LinkedHashMap<>();
                for (int i = 0; i < inputNames.size(); i++) {
                    long[] shape = inputs[i].shape().clone();
                    shape[0] = -1;
                    in.put(inputNames.get(i), sd.placeHolder(inputNames.get(i), dataType, shape));
                }
                Map<String, SDVariable> p = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, long[]> e : config.getVertexParams().getParamShapes().entrySet())
                    p.put(e.getKey(), sd.var(e.getKey(), dataType, e.getValue()));
                SDVariable o = config.defineVertex(sd, in, p, new java.util.HashMap<>());
                out = o.name();
                RssmVertex c = (RssmVertex) config;
                SDVariable eps = sd.placeHolder(EPS, dataType, -1, 4L * c.d, c.frames);
                sd.setLossVariables(o.mul(eps).sum(LOSS));
                for (Map.Entry<String, INDArray> e : paramTable.entrySet()) sd.associateArrayWithVariable(e.getValue(), sd.getVariable(e.getKey()));
                sd.createGradFunction(inputNames.toArray(new String[0]));
                vjp = sd;
            }
        }

        private Map<String, INDArray> placeholders() {
            Map<String, INDArray> ph = new java.util.HashMap<>();
            for (int i = 0; i < inputNames.size(); i++) ph.put(inputNames.get(i), inputs[i]);
            return ph;
        }

        @Override
        public INDArray doForward(boolean training, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr workspaceMgr) {
            if (vjp == null) build();
            INDArray result;
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                result = vjp.outputSingle(placeholders(), out);
            }
            return workspaceMgr.dup(org.deeplearning4j.nn.workspace.ArrayType.ACTIVATIONS, result);
        }

        @Override
        public org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray[]> doBackward(boolean tbptt,
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr workspaceMgr) {
            if (vjp == null) build();
            org.deeplearning4j.nn.gradient.Gradient g = new org.deeplearning4j.nn.gradient.DefaultGradient();
            Map<String, INDArray> grads;
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Map<String, INDArray> ph = placeholders();
                ph.put(EPS, epsilon);
                List<String> required = new ArrayList<>(inputNames);
                required.addAll(paramTable.keySet());
                grads = vjp.calculateGradients(ph, required);
                for (String k : paramTable.keySet()) {
                    INDArray view = gradTable.get(k);
                    view.assign(grads.get(k));
                    g.gradientForVariable().put(k, view);
                }
            }
            INDArray[] dIn = new INDArray[inputNames.size()];
            for (int i = 0; i < dIn.length; i++) {
                INDArray d = grads.get(inputNames.get(i));
                dIn[i] = d == null ? workspaceMgr.create(org.deeplearning4j.nn.workspace.ArrayType.ACTIVATION_GRAD, inputs[i].dataType(), inputs[i].shape()).assign(0)
                        : workspaceMgr.dup(org.deeplearning4j.nn.workspace.ArrayType.ACTIVATION_GRAD, d);
            }
            return new org.nd4j.common.primitives.Pair<>(g, dIn);
        }
    }

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
