package jepa.world;

import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;

import java.util.SplittableRandom;

/**
 * The moving-dot world of the reference code (reference §1.1–1.8). Dots are, in order: the action-controlled dot, for the
 * three-dot world an independent random dot with the same motion, and a stationary dot (max step 0). Each dot
 * starts uniform on [clampMin, clampMax]², moves by steps U[0, maxStep) in directions VonMises(ω, κ) around one
 * per-sequence mean ω ~ U[0, 2π), and is clamped per coordinate. Each dot is rendered into its own channel as
 * the Gaussian pdf sampled at integer pixels, plus its own distractor noise draw.
 *
 * A sequence is a pure function of (dataset seed, split, id): the sequence stream is split into one stream per
 * dot, then one per noise channel, so the locations do not depend on the noise and {@link #paths} (no rendering)
 * gives exactly the locations and actions of {@link #generate}.
 */
public final class MovingDotWorld {

    /**
     * One sequence. locations: frames×dots×2 px, index (t·dots + d)·2 + c, c = 0 is x (column), c = 1 is y (row).
     * actions: (frames−1)×2 px, the unclamped actions of dot 0. frames: frames×dots×side×side, un-normalised,
     * index ((t·C + ch)·side + row)·side + col (null for {@link #paths}).
     */
    public record Sequence(long seqId, float[] locations, float[] actions, float[] frames) {}

    private static final float TWO_POW_M24 = 0x1.0p-24f;

    private final WorldConfig world;
    private final Distractors distractors;
    private final VonMises vonMises;
    private final int dots, frames, side;
    private final boolean walled;
    private final float clampMin, clampMax, range;
    private final double peak, halfInvVar, stepRatio;

    public MovingDotWorld(WorldConfig world, Distractors distractors) {
        this.world = world;
        this.distractors = distractors;
        this.vonMises = new VonMises(world.kappa());
        this.dots = MovingDots.of(world).dots();
        this.walled = MovingDots.of(world).walled();
        this.frames = world.frames();
        this.side = world.imageSize();
        this.clampMin = (float) world.clampMin();
        this.clampMax = (float) world.clampMax();
        this.range = (float) world.range();
        double var = world.dotStd() * world.dotStd();
        this.peak = 1 / (2 * Math.PI * var);
        this.halfInvVar = 1 / (2 * var);
        this.stepRatio = StrictMath.exp(-2 * halfInvVar);
    }

    /** The world of a configuration for one split (structured noise images are opened once per JVM and cached). */
    public static MovingDotWorld of(WorldConfig world, NoiseConfig noise, Split split) {
        return new MovingDotWorld(world, Distractors.of(noise, split));
    }

    public WorldConfig world() { return world; }

    public Distractors distractors() { return distractors; }

    /** Whether a wall divides the world (the two-room world). */
    public boolean walled() { return walled; }

    /** Image channels per frame: one per dot. */
    public int channels() { return dots; }

    /** The analytic dot peak 1/(2πσ²) (0.094175 for σ = 1.3): the largest possible clean pixel and the noise scale M. */
    public double peak() { return peak; }

    /** Locations, actions and rendered noisy frames of one sequence. */
    public Sequence generate(long datasetSeed, Split split, long seqId) {
        SplittableRandom root = SequenceSeed.stream(datasetSeed, split, seqId);
        float[] loc = new float[frames * dots * 2];
        float[] act = new float[(frames - 1) * 2];
        moveDots(root, loc, act);
        float[] img = new float[frames * dots * side * side];
        render(loc, img);
        for (int ch = 0; ch < dots; ch++) {
            SplittableRandom noise = root.split(); // split even when α = 0: keeps streams aligned across settings
            distractors.addTo(img, frames, dots, ch, side, peak, noise);
        }
        return new Sequence(seqId, loc, act, img);
    }

    /** The same locations and actions as {@link #generate}, without rendering (frames = null). */
    public Sequence paths(long datasetSeed, Split split, long seqId) {
        SplittableRandom root = SequenceSeed.stream(datasetSeed, split, seqId);
        float[] loc = new float[frames * dots * 2];
        float[] act = new float[(frames - 1) * 2];
        moveDots(root, loc, act);
        return new Sequence(seqId, loc, act, null);
    }

    private void moveDots(SplittableRandom root, float[] loc, float[] act) {
        for (int d = 0; d < dots; d++) {
            double maxStep = d == 2 ? 0 : world.maxStep(); // dot 2 of the three-dot world is stationary
            moveDot(root.split(), d, maxStep, loc, d == 0 ? act : null);
        }
    }

    /** One dot's path (reference §1.2–1.4), float32 state like the reference; stores unclamped actions if act != null. */
    private void moveDot(SplittableRandom rng, int d, double maxStep, float[] loc, float[] act) {
        float x = clampMin + range * uniform(rng), y = clampMin + range * uniform(rng);
        set(loc, 0, d, x, y);
        double omega = maxStep > 0 ? 2 * Math.PI * rng.nextDouble() : 0;
        for (int t = 1; t < frames; t++) {
            float ax = 0, ay = 0;
            if (maxStep > 0) { // a stationary dot draws nothing: its steps are all U[0, 0) = 0
                double theta = vonMises.sample(omega, rng);
                double step = maxStep * rng.nextDouble();
                ax = (float) (step * StrictMath.cos(theta));
                ay = (float) (step * StrictMath.sin(theta));
            }
            if (act != null) {
                act[(t - 1) * 2] = ax;
                act[(t - 1) * 2 + 1] = ay;
            }
            float[] next = step(x, y, ax, ay);
            x = next[0];
            y = next[1];
            set(loc, t, d, x, y);
        }
    }

    private void set(float[] loc, int t, int d, float x, float y) {
        int i = (t * dots + d) * 2;
        loc[i] = x;
        loc[i + 1] = y;
    }

    private float clamp(float v) { return Math.min(clampMax, Math.max(clampMin, v)); }

    /**
     * The world's dynamics for one dot and one action (pixels): the centre moves by the action, clamped per coordinate;
     * a step that would cross the wall outside its door keeps its vertical part only.
     */
    public float[] step(float x, float y, float ax, float ay) {
        float nx = clamp(x + ax), ny = clamp(y + ay);
        if (walled && world.wall().blocks(x, y, nx, ny)) nx = x;
        return new float[]{nx, ny};
    }

    /**
     * Frames of the single dot at given centres ({@code centres[t] = {x, y}}), with this world's noise drawn from
     * {@code rng} as for a sequence of that many frames (fixed noise: one image for all of them) — the start and goal
     * frames of a planning episode. Layout as {@link Sequence#frames()}.
     */
    public float[] render(float[][] centres, SplittableRandom rng) {
        if (dots != 1) throw new IllegalArgumentException("episode frames are rendered for the single-dot world");
        int n = centres.length;
        float[] img = new float[n * side * side], gx = new float[side], gy = new float[side];
        for (int t = 0; t < n; t++) renderDot(centres[t][0], centres[t][1], gx, gy, img, t * side * side);
        renderWall(img, n);
        distractors.addTo(img, n, 1, 0, side, peak, rng.split());
        return img;
    }

    private static float uniform(SplittableRandom rng) { return (rng.nextLong() >>> 40) * TWO_POW_M24; }

    /** Renders clean dot images (and the wall) for all frames and dots into img (which must be zero or hold what to add to). */
    public void render(float[] loc, float[] img) {
        float[] gx = new float[side], gy = new float[side];
        int pixels = side * side;
        for (int t = 0; t < frames; t++)
            for (int d = 0; d < dots; d++) {
                int li = (t * dots + d) * 2;
                renderDot(loc[li], loc[li + 1], gx, gy, img, (t * dots + d) * pixels);
            }
        renderWall(img, frames * dots);
    }

    /** The wall's pixels (column round(x), every row outside the door) at the dot's peak intensity, in each of n images. */
    private void renderWall(float[] img, int images) {
        if (!walled) return;
        WorldConfig.Wall w = world.wall();
        int col = (int) Math.round(w.x());
        for (int k = 0; k < images; k++)
            for (int row = 0; row < side; row++)
                if (row < w.doorMin() || row > w.doorMax()) img[k * side * side + row * side + col] = (float) peak;
    }

    /**
     * I(row i, col j) = exp(−((j−x)² + (i−y)²)/(2σ²))/(2πσ²), computed separably as the outer product gy[i]·gx[j]
     * (the pdf factor folded into gy).
     */
    private void renderDot(float x, float y, float[] gx, float[] gy, float[] img, int off) {
        gaussian(x, 1, gx);
        gaussian(y, peak, gy);
        for (int i = 0; i < side; i++) {
            float r = gy[i];
            int row = off + i * side;
            for (int j = 0; j < side; j++) img[row + j] += r * gx[j];
        }
    }

    /**
     * g[k] = scale·exp(−(k−c)²/(2σ²)) for k = 0..side−1 with 3 exps instead of side: from the pixel nearest c, the
     * ratio of neighbours is exp(−(2(k−c)±1)/(2σ²)) and itself changes by the constant factor exp(−2/(2σ²)).
     * Relative error ~ side·2⁻⁵³, far below float precision; values underflow to 0 harmlessly.
     */
    private void gaussian(double c, double scale, float[] g) {
        int k0 = (int) Math.max(0, Math.min(side - 1, Math.round(c)));
        double d = k0 - c, h = halfInvVar;
        double v0 = scale * StrictMath.exp(-d * d * h);
        g[k0] = (float) v0;
        double v = v0, r = StrictMath.exp(-(2 * d + 1) * h);
        for (int k = k0 + 1; k < side; k++) {
            v *= r;
            r *= stepRatio;
            g[k] = (float) v;
        }
        v = v0;
        r = StrictMath.exp((2 * d - 1) * h);
        for (int k = k0 - 1; k >= 0; k--) {
            v *= r;
            r *= stepRatio;
            g[k] = (float) v;
        }
    }
}
