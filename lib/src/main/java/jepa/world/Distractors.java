package jepa.world;

import jepa.settings.NoiseConfig;

import java.util.SplittableRandom;

/**
 * Distractor noise (reference §1.6): each channel gets ô_t = o_t + α·M·Z_t. Z is U[0,1) per pixel ("uniform") or an
 * image drawn by random index from the split's NoiseImages ("structured"); "fixed" repeats one Z over all frames
 * of a sequence, "changing" draws a new Z every frame. The caller passes M = the analytic dot peak 1/(2πσ²); the
 * reference uses the batch maximum of the clean dot images, ≈ the same value (0.09417 vs 0.094175), but the
 * analytic one keeps every sequence a function of its own seed. The reference draws structured images from a
 * shuffled loader (without replacement within an epoch); here each draw is an independent uniform index.
 */
public final class Distractors {
    private static final float TWO_POW_M24 = 0x1.0p-24f;
    private static final Distractors NONE = new Distractors(false, false, 0, null);

    private final boolean structured;
    private final boolean fixed;
    private final double alpha;
    private final NoiseImages images;

    public Distractors(boolean structured, boolean fixed, double alpha, NoiseImages images) {
        if (!(alpha >= 0)) throw new IllegalArgumentException("noise alpha must be >= 0, got " + alpha);
        if (structured && alpha > 0 && images == null) throw new IllegalArgumentException("structured noise needs images");
        this.structured = structured;
        this.fixed = fixed;
        this.alpha = alpha;
        this.images = images;
    }

    /** No noise at all (α = 0). */
    public static Distractors none() { return NONE; }

    /** The distractors of a configuration for one split; structured images are opened (cached) only if α > 0. */
    public static Distractors of(NoiseConfig noise, Split split) {
        if (!noise.active()) return NONE;
        boolean structured = NoiseConfig.STRUCTURED.equals(noise.kind());
        return new Distractors(structured, NoiseConfig.FIXED.equals(noise.temporal()), noise.alpha(),
                structured ? NoiseImages.open(noise, split) : null);
    }

    public boolean active() { return alpha > 0; }

    public boolean structured() { return structured; }

    public boolean fixed() { return fixed; }

    public double alpha() { return alpha; }

    /** The image source, or null for uniform noise. */
    public NoiseImages images() { return images; }

    /**
     * Adds α·peak·Z to one channel of frames laid out [frameCount][channels][side][side], drawing Z from rng.
     * Does nothing (and draws nothing) when α = 0.
     */
    public void addTo(float[] frames, int frameCount, int channels, int channel, int side, double peak, SplittableRandom rng) {
        if (!active()) return;
        int pixels = side * side;
        if (structured && pixels != NoiseImages.PIXELS)
            throw new IllegalArgumentException("structured noise images are 28×28, the world's images are " + side + "×" + side);
        float scale = (float) (alpha * peak);
        float[] z = new float[pixels];
        for (int t = 0; t < frameCount; t++) {
            int off = (t * channels + channel) * pixels;
            if (fixed) {
                if (t == 0) draw(z, rng);
                for (int k = 0; k < pixels; k++) frames[off + k] += scale * z[k];
            } else if (structured) {
                draw(z, rng);
                for (int k = 0; k < pixels; k++) frames[off + k] += scale * z[k];
            } else {
                addUniform(frames, off, pixels, scale, rng);
            }
        }
    }

    private void draw(float[] z, SplittableRandom rng) {
        if (structured) images.copyTo(rng.nextInt(images.count()), z, 0);
        else {
            for (int k = 0; k < z.length; k++) z[k] = 0;
            addUniform(z, 0, z.length, 1f, rng);
        }
    }

    /** dst[off..off+n) += scale·U[0,1), two 24-bit uniforms (float32's resolution, as torch.rand) per nextLong. */
    static void addUniform(float[] dst, int off, int n, float scale, SplittableRandom rng) {
        int k = 0;
        for (; k + 1 < n; k += 2) {
            long r = rng.nextLong();
            dst[off + k] += scale * ((r >>> 40) * TWO_POW_M24);
            dst[off + k + 1] += scale * (((r >>> 16) & 0xFFFFFF) * TWO_POW_M24);
        }
        if (k < n) dst[off + k] += scale * ((rng.nextLong() >>> 40) * TWO_POW_M24);
    }
}
