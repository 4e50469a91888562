package jepa.nn;

import jepa.settings.AgentConfig;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seed 003's encoder as a SameDiff graph: a vision transformer over the patches of {@link #FRAMES} stacked frames.
 * Every frame is cut into patch×patch squares; each patch (channels·patch² pixels) is embedded by one linear map;
 * a learnable CLS token is prepended and a learnable positional encoding over (t, i, j) — one vector per token,
 * so it encodes the frame t as well as the patch row i and column j — is added; then pre-LayerNorm blocks
 * (x + MHA(LN(x)), x + MLP(LN(x)), MLP = Linear → GELU → Linear), a final LayerNorm, and the CLS token's output is s.
 * <p>
 * The ops follow the stack notes' findings (§7): attention is {@code multiHeadDotProductAttention} ([batch,
 * features, time] layout, projections without biases, as PyTorch's {@code MultiheadAttention(bias=False)});
 * LayerNorm is written out with ε = 1e-5 inside the root (the built-in op has no ε); GELU is the exact
 * x·Φ(x) through erf (the built-in {@code gelu} is the sigmoid approximation, {@code preciseGelu} is wrong).
 * Initialisation as PyTorch's layers initialise themselves: linear maps U(±1/√fan_in) (weights and biases), the
 * attention's query/key/value projections Xavier-uniform (as {@code nn.MultiheadAttention}'s in-projection), its
 * output projection U(±1/√d), LayerNorm gain 1 and bias 0, CLS token and positions N(0, 1) ({@code torch.randn}).
 * (timm's σ = 0.02 initialisation leaves s at start nearly the same for every input — a batch variance below
 * the paper's 1e-7 collapse level — so runs would start "collapsed".) All from a seeded Java stream: a pure
 * function of the seed.
 * <p>
 * The graph accepts any batch size (reshapes use −1; the CLS row is broadcast rather than tiled to a fixed batch).
 */
public final class VisionTransformer {
    /** Frames per input: f_{t−2}, f_{t−1}, f_t (x) or f_{t−1}, f_t, f_{t+1} (y). */
    public static final int FRAMES = 3;
    public static final double LAYER_NORM_EPS = 1e-5;

    private final AgentConfig config;
    private final int channels, height, width;

    public VisionTransformer(AgentConfig config, int channels, int height, int width) {
        if (height % config.patchSize() != 0 || width % config.patchSize() != 0)
            throw new IllegalArgumentException("frames " + width + "×" + height + " are not whole patches of " + config.patchSize());
        this.config = config;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public AgentConfig config() { return config; }

    /** Patches per frame. */
    public int patchesPerFrame() { return (height / config.patchSize()) * (width / config.patchSize()); }

    /** Tokens: the CLS token and every frame's patches. */
    public int tokens() { return 1 + FRAMES * patchesPerFrame(); }

    /** Input values per sample: FRAMES·channels·height·width. */
    public int inputSize() { return FRAMES * channels * height * width; }

    /**
     * Adds the encoder to {@code sd}, its variables named {@code prefix + …} (in {@link #variables} order) and
     * initialised from {@code seed}; {@code frames} is [B, FRAMES·channels, height, width]. Returns s [B, embedding].
     */
    public SDVariable build(SameDiff sd, SDVariable frames, String prefix, long seed, DataType dt) {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = config.patchSize(), gh = height / p, gw = width / p, d = config.embedding(), n = FRAMES * gh * gw, t = n + 1;
        int patch = channels * p * p;
        // [B, F·C, H, W] → [B, F, gh, gw, C, p, p]: tokens in (t, i, j) order, each patch's pixels in (c, y, x) order
        SDVariable patches = frames.reshape(-1, FRAMES, channels, gh, p, gw, p).permute(0, 1, 3, 5, 2, 4, 6).reshape(-1, patch);
        SDVariable tokens = patches.mmul(var(sd, prefix + "patch_W", uniform(rng, dt, 1 / Math.sqrt(patch), patch, d)))
                .add(var(sd, prefix + "patch_b", uniform(rng, dt, 1 / Math.sqrt(patch), d))).reshape(-1, n, d);
        // the CLS row for every sample: broadcast onto a zero row of the batch (a tile would fix the batch size)
        SDVariable zeroRow = tokens.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all()).mul(0.0);
        SDVariable cls = zeroRow.add(var(sd, prefix + "cls", normal(rng, dt, 1, 1, d)));
        SDVariable h = sd.concat(1, cls, tokens).add(var(sd, prefix + "pos", normal(rng, dt, 1, t, d)));
        double xavier = Math.sqrt(6.0 / (d + 3 * d)), linD = 1 / Math.sqrt(d), linM = 1 / Math.sqrt(config.mlpWidth());
        int heads = config.heads(), dh = d / heads, m = config.mlpWidth();
        for (int l = 0; l < config.depth(); l++) {
            String b = prefix + "block" + l + "_";
            SDVariable a = layerNorm(sd, h, sd.var(b + "ln1_g", Nd4j.ones(dt, d)), sd.var(b + "ln1_b", Nd4j.zeros(dt, d)));
            h = h.add(attention(sd, a, var(sd, b + "Wq", uniform(rng, dt, xavier, heads, dh, d)), var(sd, b + "Wk", uniform(rng, dt, xavier, heads, dh, d)),
                    var(sd, b + "Wv", uniform(rng, dt, xavier, heads, dh, d)), var(sd, b + "Wo", uniform(rng, dt, linD, heads * dh, d))));
            SDVariable x = layerNorm(sd, h, sd.var(b + "ln2_g", Nd4j.ones(dt, d)), sd.var(b + "ln2_b", Nd4j.zeros(dt, d))).reshape(-1, d);
            x = gelu(sd, x.mmul(var(sd, b + "mlp_W1", uniform(rng, dt, linD, d, m))).add(var(sd, b + "mlp_b1", uniform(rng, dt, linD, m))));
            x = x.mmul(var(sd, b + "mlp_W2", uniform(rng, dt, linM, m, d))).add(var(sd, b + "mlp_b2", uniform(rng, dt, linM, d)));
            h = h.add(x.reshape(-1, t, d));
        }
        h = layerNorm(sd, h, sd.var(prefix + "ln_g", Nd4j.ones(dt, d)), sd.var(prefix + "ln_b", Nd4j.zeros(dt, d)));
        return h.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    }

    /** The names of the encoder's variables under {@code prefix}, in the order {@link #build} creates them. */
    public List<String> variables(String prefix) {
        List<String> v = new ArrayList<>(List.of(prefix + "patch_W", prefix + "patch_b", prefix + "cls", prefix + "pos"));
        for (int l = 0; l < config.depth(); l++)
            for (String s : List.of("ln1_g", "ln1_b", "Wq", "Wk", "Wv", "Wo", "ln2_g", "ln2_b", "mlp_W1", "mlp_b1", "mlp_W2", "mlp_b2"))
                v.add(prefix + "block" + l + "_" + s);
        v.add(prefix + "ln_g");
        v.add(prefix + "ln_b");
        return v;
    }

    /** LayerNorm over the last axis of x [B, T, D] with ε inside the root, as PyTorch's: (x − μ)/√(σ² + ε)·g + b. */
    public static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias) {
        int last = x.getShape() != null ? x.getShape().length - 1 : 2;
        SDVariable centred = x.sub(x.mean(true, last));
        SDVariable var = centred.mul(centred).mean(true, last);
        return centred.div(sd.math().sqrt(var.add(LAYER_NORM_EPS))).mul(gain).add(bias);
    }

    /** The exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2 (PyTorch's default). */
    public static SDVariable gelu(SameDiff sd, SDVariable x) {
        return x.mul(sd.math().erf(x.mul(1 / Math.sqrt(2))).add(1.0)).mul(0.5);
    }

    /** Multi-head self-attention of x [B, T, D] (scaled dot product, no biases); returns [B, T, D]. */
    public static SDVariable attention(SameDiff sd, SDVariable x, SDVariable wq, SDVariable wk, SDVariable wv, SDVariable wo) {
        SDVariable xt = x.permute(0, 2, 1);                                  // the op's layout: [B, D, T]
        return sd.nn().multiHeadDotProductAttention(xt, xt, xt, wq, wk, wv, wo, null, true).permute(0, 2, 1);
    }

    private static SDVariable var(SameDiff sd, String name, INDArray init) { return sd.var(name, init); }

    /** U(−bound, bound). */
    static INDArray uniform(SplittableRandom rng, DataType dt, double bound, long... shape) {
        double[] v = new double[length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble(-bound, bound);
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(dt);
    }

    /** N(0, 1). */
    static INDArray normal(SplittableRandom rng, DataType dt, long... shape) {
        double[] v = new double[length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(dt);
    }

    private static int length(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return Math.toIntExact(n);
    }
}
