package jepa.rl;

import jepa.accel.Backend;
import jepa.nn.VisionTransformer;
import jepa.optim.Adam;
import jepa.optim.Ema;
import jepa.settings.AgentConfig;
import jepa.settings.CartPoleConfig;
import jepa.world.CartPole;
import jepa.world.CartPoleRenderer;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seed 003's pixel encoder and its JEPA training, as the variant's switches say. The x-encoder V(θ, x), a
 * {@link VisionTransformer} over frames f_{t−2..t}, gives s_x, the features PPO's heads see. With J, the y-encoder
 * V(θ̄, y) over f_{t−1..t+1} — the same architecture, initialised equal to the x-encoder, changed only by the EMA
 * θ̄ ← ema·θ̄ + (1 − ema)·θ after every step, never by a gradient (it is a separate graph whose output enters the
 * loss as a constant) — gives s_y, and the predictor (two layers; the one-hot action, projected to the hidden width
 * by a linear layer, added after the first) gives s_pred from s_x.
 * <p>
 * The loss of a minibatch: L = L_JEPA·[J] + L_reg·[R] + Σ s_x⊙g with
 * L_JEPA = mean over the batch of ‖s_pred − s_y‖², L_reg = −min(1, mean_i Var(s_x)_i) (batch variance, n − 1;
 * −min(1, v) written as relu(v − 1) − v), and g = ∂(L_actor + L_critic)/∂s_x from the Java heads under ∇ (zero
 * under ∇̂), so the encoder gets the gradient of the whole L. The encoder and predictor take Adam steps (PyTorch's
 * form, ε = ppo.adam-eps) after clipping their own gradient to agent.max-grad-norm. The networks run on the
 * project's ViT runtime, or as SameDiff graphs when compute.backend = stock ({@link AgentNetworks}); both start from
 * the same parameters.
 * <p>
 * The collapse indicator, the mean over features of the batch variance of s_x, is kept for every minibatch
 * ({@link #terms}: embedding_variance, and collapsed = 1 when it is below {@link #COLLAPSED}).
 */
public final class JepaEncoder implements FeatureSource {
    /** The paper's collapse level of the embedding variance. */
    public static final double COLLAPSED = 1e-7;

    private final Variant variant;
    private final AgentConfig config;
    private final VisionTransformer vit;
    private final CartPoleRenderer renderer;
    private final RolloutBuffer buffer;
    private final FrameStacks frames;
    private final int envs;
    private final AgentNetworks nets;
    private final int encoderSize;
    private final double[] theta, thetaBar;
    private final Adam adam;

    private int lastStep;
    private int[] rows;
    private double[] s, grad;
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    /**
     * The encoder for {@code variant} (a pixel one) over the environments of {@code env}, their rollout rows kept for
     * {@code buffer}, frames as {@code normalization} makes them floats; parameters from {@code seed}; on the runtime of {@code backend}; {@code dt} the SameDiff graphs'
     * type (FLOAT for runs, DOUBLE for gradient checks; the project's runtime is float).
     */
    public JepaEncoder(Variant variant, AgentConfig config, CartPoleConfig cartpole, FrameNormalization normalization, double adamEps, VectorEnv env,
                       RolloutBuffer buffer, long seed, Backend backend, DataType dt) {
        if (!variant.pixels()) throw new IllegalArgumentException("variant " + variant.id() + " has no pixel encoder");
        config.checkFrames(cartpole);
        this.variant = variant;
        this.config = config;
        this.renderer = CartPoleRenderer.of(cartpole);
        this.vit = new VisionTransformer(config, cartpole.channels(), cartpole.frameHeight(), cartpole.frameWidth());
        this.buffer = buffer;
        this.envs = env.size();
        this.frames = new FrameStacks(envs, buffer.rows(), renderer.frameSize(), normalization);
        JepaPredictor predictor = new JepaPredictor(config.embedding(), config.predictorWidth(), CartPole.ACTIONS);
        SameDiffNetworks graphs = new SameDiffNetworks(variant, vit, predictor, cartpole.channels(), cartpole.frameHeight(), cartpole.frameWidth(), seed, dt);
        this.theta = graphs.initialOnline();
        this.encoderSize = graphs.targetParams == null ? theta.length : graphs.targetParams.size();
        this.nets = backend == Backend.STOCK ? graphs : new JavaNetworks(variant, config, predictor, cartpole.channels(), cartpole.frameHeight(), cartpole.frameWidth());
        nets.setOnline(theta);
        this.adam = new Adam(theta.length, adamEps);
        if (variant.jepa()) {
            thetaBar = java.util.Arrays.copyOf(theta, encoderSize);      // initialised equal to the x-encoder
            nets.setTarget(thetaBar);
        } else {
            thetaBar = null;
        }
        for (int e = 0; e < envs; e++) frames.start(e, renderer.render(env.state(e)));
    }

    public Variant variant() { return variant; }

    public VisionTransformer vit() { return vit; }

    /** Parameters of the x-encoder and predictor (what the optimiser trains). */
    public long trainedParameters() { return theta.length; }

    /** The x-encoder's and predictor's parameters, flat (a copy). */
    public double[] onlineParameters() { return theta.clone(); }

    /** The y-encoder's parameters, flat (a copy; null without J). */
    public double[] targetParameters() { return thetaBar == null ? null : thetaBar.clone(); }

    /** Size of the x-encoder's share of {@link #onlineParameters} (its first values; the predictor's follow). */
    public int encoderSize() { return encoderSize; }

    @Override public int size() { return config.embedding(); }

    @Override
    public double[] current(VectorEnv env) {
        int n = env.size(), in = vit.inputSize();
        float[] x = new float[n * in];
        for (int e = 0; e < n; e++) frames.current(e, x, e * in);
        return nets.encode(x, n);
    }

    @Override public void record(int t, VectorEnv env) { frames.record(t); }

    @Override
    public void stepped(int t, VectorEnv env, VectorEnv.Step step) {
        lastStep = t;
        for (int e = 0; e < envs; e++) {
            int row = t * envs + e;
            if (step.done(e)) {
                frames.next(row, renderer.render(step.finalStates()[e]));
                frames.start(e, renderer.render(env.state(e)));
            } else {
                byte[] f = renderer.render(env.state(e));
                frames.next(row, f);
                frames.push(e, f);
            }
        }
    }

    /** s_x of the final stack f_{t−1}, f_t, f_final (the y of the row that ended). */
    @Override
    public double[] last(int e, VectorEnv.Step step) {
        float[] in = new float[vit.inputSize()];
        frames.y(lastStep * envs + e, in, 0);
        return nets.encode(in, 1);
    }

    @Override
    public double[] features(int[] rows) {
        int in = vit.inputSize();
        float[] x = new float[rows.length * in];
        for (int r = 0; r < rows.length; r++) frames.x(rows[r], x, r * in);
        this.rows = rows.clone();
        this.s = nets.features(x, rows.length);
        add("embedding_variance", embeddingVariance(s, rows.length, size()));
        return s.clone();
    }

    @Override public boolean trainable() { return true; }

    @Override
    public void backward(double[] dLds) {
        AgentNetworks.Gradient g = nets.gradient(dLds == null ? new double[rows.length * size()] : dLds, actions(), variant.jepa() ? yInputs() : null);
        grad = g.theta();
        if (variant.jepa()) add("jepa_loss", g.jepaLoss());
    }

    /** The actions taken on the rows of the last {@link #features}. */
    int[] actions() {
        int[] a = new int[rows.length];
        for (int r = 0; r < rows.length; r++) a[r] = buffer.action(rows[r]);
        return a;
    }

    /** The y-encoder's inputs of the rows of the last {@link #features}. */
    float[] yInputs() {
        int in = vit.inputSize();
        float[] y = new float[rows.length * in];
        for (int r = 0; r < rows.length; r++) frames.y(rows[r], y, r * in);
        return y;
    }

    /** The gradient of the last {@link #backward} (tests). */
    double[] lastGradient() { return grad.clone(); }

    @Override
    public void step(double lr) {
        double sq = 0;
        for (double g : grad) sq += g * g;
        double norm = Math.sqrt(sq);
        add("encoder_grad_norm", norm);
        adam.step(theta, grad, Ppo.clipScale(norm, config.maxGradNorm()), lr);
        nets.setOnline(theta);
        if (variant.jepa()) {
            Ema.update(thetaBar, java.util.Arrays.copyOf(theta, encoderSize), config.ema());
            nets.setTarget(thetaBar);
        }
    }

    @Override
    public Map<String, Double> terms() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v[0] / v[1]));
        if (out.containsKey("embedding_variance")) out.put("collapsed", out.get("embedding_variance") < COLLAPSED ? 1.0 : 0.0);
        sums.clear();
        return out;
    }

    private void add(String term, double v) {
        double[] acc = sums.computeIfAbsent(term, k -> new double[2]);
        acc[0] += v;
        acc[1]++;
    }

    /** Mean over features of the batch variance (n − 1) of s [n, d]: the collapse indicator. */
    public static double embeddingVariance(double[] s, int n, int d) {
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0, ss = 0;
            for (int i = 0; i < n; i++) mean += s[i * d + j];
            mean /= n;
            for (int i = 0; i < n; i++) ss += (s[i * d + j] - mean) * (s[i * d + j] - mean);
            total += ss / (n - 1);
        }
        return total / d;
    }

    /** The runtime the networks run on (tests). */
    AgentNetworks networks() { return nets; }
}
