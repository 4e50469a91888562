package jepa.rl;

import jepa.nn.SameDiffParams;
import jepa.nn.VisionTransformer;
import jepa.optim.Adam;
import jepa.optim.Ema;
import jepa.settings.AgentConfig;
import jepa.settings.CartPoleConfig;
import jepa.world.CartPole;
import jepa.world.CartPoleRenderer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seed 003's pixel encoder and its JEPA training, as the variant's switches say. The x-encoder V(θ, x), a
 * {@link VisionTransformer} over frames f_{t−2..t}, gives s_x, the features PPO's heads see. With J, the y-encoder
 * V(θ̄, y) over f_{t−1..t+1} — the same architecture, initialised equal to the x-encoder, changed only by the EMA
 * θ̄ ← ema·θ̄ + (1 − ema)·θ after every step, never by a gradient (it is a separate graph whose output enters the
 * loss as a constant) — gives s_y, and the predictor (two layers; the one-hot action, projected to the hidden width
 * by a linear layer, added after the first) gives s_pred from s_x.
 * <p>
 * The loss of a minibatch, differentiated in one SameDiff graph: L = L_JEPA·[J] + L_reg·[R] + Σ s_x⊙g with
 * L_JEPA = mean over the batch of ‖s_pred − s_y‖², L_reg = −min(1, mean_i Var(s_x)_i) (batch variance, n − 1;
 * −min(1, v) written as relu(v − 1) − v), and g = ∂(L_actor + L_critic)/∂s_x from the Java heads under ∇ (zero
 * under ∇̂), so the encoder gets the gradient of the whole L. The encoder and predictor take Adam steps (PyTorch's
 * form, ε = ppo.adam-eps) after clipping their own gradient to agent.max-grad-norm.
 * <p>
 * The collapse indicator, the mean over features of the batch variance of s_x, is kept for every minibatch
 * ({@link #terms}: embedding_variance, and collapsed = 1 when it is below {@link #COLLAPSED}).
 */
public final class JepaEncoder implements FeatureSource {
    /** The paper's collapse level of the embedding variance. */
    public static final double COLLAPSED = 1e-7;
    static final String PREDICTOR = "pred_";

    private final Variant variant;
    private final AgentConfig config;
    private final VisionTransformer vit;
    private final CartPoleRenderer renderer;
    private final RolloutBuffer buffer;
    private final FrameStacks frames;
    private final DataType dt;
    private final int envs, actions;
    private final SameDiff online, target;
    private final SameDiffParams onlineParams, targetParams;
    private final int encoderSize;
    private final double[] theta, thetaBar;
    private final Adam adam;

    private int lastStep;
    private int[] rows;
    private INDArray x;
    private double[] s, grad;
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    /**
     * The encoder for {@code variant} (a pixel one) over the environments of {@code env}, their rollout rows kept for
     * {@code buffer}; parameters from {@code seed}; {@code dt} FLOAT for runs (DOUBLE for gradient checks).
     */
    public JepaEncoder(Variant variant, AgentConfig config, CartPoleConfig cartpole, double adamEps, VectorEnv env, RolloutBuffer buffer,
                       long seed, DataType dt) {
        if (!variant.pixels()) throw new IllegalArgumentException("variant " + variant.id() + " has no pixel encoder");
        config.checkFrames(cartpole);
        this.variant = variant;
        this.config = config;
        this.renderer = CartPoleRenderer.of(cartpole);
        this.vit = new VisionTransformer(config, cartpole.channels(), cartpole.frameHeight(), cartpole.frameWidth());
        this.buffer = buffer;
        this.envs = env.size();
        this.actions = CartPole.ACTIONS;
        this.frames = new FrameStacks(envs, buffer.rows(), renderer.frameSize());
        this.dt = dt;
        this.online = SameDiff.create();
        List<String> names = new ArrayList<>(vit.variables(""));
        this.encoderSize = buildOnline(seed, names);
        this.onlineParams = new SameDiffParams(online, names);
        this.theta = onlineParams.read();
        this.adam = new Adam(theta.length, adamEps);
        if (variant.jepa()) {
            target = SameDiff.create();
            SDVariable y = target.placeHolder("x", dt, -1, inputChannels(), cartpole.frameHeight(), cartpole.frameWidth());
            vit.build(target, y, "", seed, dt).rename("s");
            targetParams = new SameDiffParams(target, vit.variables(""));
            thetaBar = java.util.Arrays.copyOf(theta, encoderSize);      // initialised equal to the x-encoder
            targetParams.write(thetaBar);
        } else {
            target = null;
            targetParams = null;
            thetaBar = null;
        }
        for (int e = 0; e < envs; e++) frames.start(e, renderer.render(env.state(e)));
    }

    private int inputChannels() { return VisionTransformer.FRAMES * renderer.channels(); }

    /** Builds the online graph (x-encoder, predictor, loss); returns the encoder's parameter count, adds the predictor's names. */
    private int buildOnline(long seed, List<String> names) {
        int d = config.embedding(), h = config.predictorWidth();
        SDVariable xIn = online.placeHolder("x", dt, -1, inputChannels(), renderer.height(), renderer.width());
        SDVariable sx = vit.build(online, xIn, "", seed, dt).rename("s_x");
        SDVariable g = online.placeHolder("g", dt, -1, d);
        SDVariable loss = sx.mul(g).sum();
        if (variant.jepa()) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
            SDVariable a = online.placeHolder("a", dt, -1, actions), sy = online.placeHolder("s_y", dt, -1, d);
            SDVariable hidden = VisionTransformer.gelu(online, sx.mmul(online.var(PREDICTOR + "W1", linear(rng, d, d, h)))
                    .add(online.var(PREDICTOR + "b1", linear(rng, d, h))));
            hidden = hidden.add(a.mmul(online.var(PREDICTOR + "Wa", linear(rng, actions, actions, h))).add(online.var(PREDICTOR + "ba", linear(rng, actions, h))));
            SDVariable pred = hidden.mmul(online.var(PREDICTOR + "W2", linear(rng, h, h, d))).add(online.var(PREDICTOR + "b2", linear(rng, h, d)));
            SDVariable diff = pred.sub(sy);
            loss = loss.add(diff.mul(diff).sum(1).mean().rename("jepa_loss"));
            names.addAll(List.of(PREDICTOR + "W1", PREDICTOR + "b1", PREDICTOR + "Wa", PREDICTOR + "ba", PREDICTOR + "W2", PREDICTOR + "b2"));
        }
        if (variant.regularised()) {
            SDVariable v = online.variance(sx, true, 0).mean();
            loss = loss.add(online.nn().relu(v.sub(1.0), 0).sub(v));              // −min(1, v)
        }
        loss.rename("loss");
        online.setLossVariables("loss");
        int size = 0;
        for (String n : vit.variables("")) size += Math.toIntExact(online.getVariable(n).getArr().length());
        return size;
    }

    /** PyTorch's nn.Linear initialisation for a layer with fanIn inputs: U(−1/√fanIn, 1/√fanIn). */
    private INDArray linear(SplittableRandom rng, int fanIn, long... shape) {
        long n = 1;
        for (long v : shape) n *= v;
        double[] w = new double[Math.toIntExact(n)];
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < w.length; i++) w[i] = rng.nextDouble(-bound, bound);
        return Nd4j.create(w, shape, DataType.DOUBLE).castTo(dt);
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
        float[] in0 = new float[n * in];
        for (int e = 0; e < n; e++) frames.current(e, in0, e * in);
        return encode(in0, n);
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
        return encode(in, 1);
    }

    @Override
    public double[] features(int[] rows) {
        int in = vit.inputSize();
        float[] v = new float[rows.length * in];
        for (int r = 0; r < rows.length; r++) frames.x(rows[r], v, r * in);
        this.rows = rows.clone();
        this.x = input(v, rows.length);
        this.s = online.output(Map.of("x", x), "s_x").get("s_x").dup('c').data().asDouble();
        add("embedding_variance", embeddingVariance(s, rows.length, size()));
        return s.clone();
    }

    @Override public boolean trainable() { return true; }

    @Override
    public void backward(double[] dLds) {
        List<String> outputs = variant.jepa() ? List.of("jepa_loss") : List.of();
        OutAndGrad og = online.calculateGradientsAndOutputs(placeholders(dLds), outputs, onlineParams.names());
        grad = onlineParams.flatten(og.getGradients());
        if (variant.jepa()) add("jepa_loss", og.getOutputs().get("jepa_loss").getDouble(0));
    }

    /** The online graph's inputs for the last {@link #features} rows: frames, g = dLds (zeros when null), and with J the actions and s_y. */
    Map<String, INDArray> placeholders(double[] dLds) {
        int n = rows.length, d = size();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put("x", x);
        ph.put("g", dLds == null ? Nd4j.zeros(dt, n, d) : Nd4j.create(dLds, new long[]{n, d}, DataType.DOUBLE).castTo(dt));
        if (variant.jepa()) {
            double[] oneHot = new double[n * actions];
            for (int r = 0; r < n; r++) oneHot[r * actions + buffer.action(rows[r])] = 1;
            ph.put("a", Nd4j.create(oneHot, new long[]{n, actions}, DataType.DOUBLE).castTo(dt));
            int in = vit.inputSize();
            float[] y = new float[n * in];
            for (int r = 0; r < n; r++) frames.y(rows[r], y, r * in);
            ph.put("s_y", target.output(Map.of("x", input(y, n)), "s").get("s"));       // a constant of the loss: no gradient reaches θ̄
        }
        return ph;
    }

    @Override
    public void step(double lr) {
        double sq = 0;
        for (double g : grad) sq += g * g;
        double norm = Math.sqrt(sq);
        add("encoder_grad_norm", norm);
        adam.step(theta, grad, Ppo.clipScale(norm, config.maxGradNorm()), lr);
        onlineParams.write(theta);
        if (variant.jepa()) {
            Ema.update(thetaBar, java.util.Arrays.copyOf(theta, encoderSize), config.ema());
            targetParams.write(thetaBar);
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

    private double[] encode(float[] in, int n) {
        return online.output(Map.of("x", input(in, n)), "s_x").get("s_x").dup('c').data().asDouble();
    }

    private INDArray input(float[] v, int n) {
        INDArray a = Nd4j.create(v, new long[]{n, inputChannels(), renderer.height(), renderer.width()}, 'c');
        return dt == DataType.FLOAT ? a : a.castTo(dt);
    }

    /** The online graph (tests: gradient checks). */
    SameDiff online() { return online; }

    SameDiff target() { return target; }
}
