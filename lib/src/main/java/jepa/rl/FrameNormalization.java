package jepa.rl;

import jepa.settings.CartPoleConfig;
import jepa.world.CartPoleWorld;

/**
 * How frame bytes become the encoder's input floats. {@code raw}: v/255. {@code standardised}: per pixel,
 * (v/255 − mean)/(std + {@link #STD_FLOOR}), mean and std over every frame of the random-policy dataset
 * (cartpole.episodes episodes from dataset.seed: the frames the generate job writes, regenerated here). The
 * background, the same in every frame, becomes 0 and the pixels the cart and the pole pass over carry the signal;
 * the floor keeps pixels they seldom reach from blowing up. (A ViT learns the state from standardised frames several
 * times faster than from raw ones: at 400 Adam steps, held-out R² of θ 0.96 against 0.42.)
 */
public final class FrameNormalization {
    public static final String RAW = "raw", STANDARDISED = "standardised";
    /** In units of v/255. */
    public static final float STD_FLOOR = 0.1f;

    private final float[] mean, scale;     // per pixel of one frame (channels × height × width); null for raw

    private FrameNormalization(float[] mean, float[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    public static FrameNormalization raw() { return new FrameNormalization(null, null); }

    /** The statistics of the random-policy dataset's frames. */
    public static FrameNormalization standardised(CartPoleConfig c, long datasetSeed) {
        int size = c.frameSize();
        double[] sum = new double[size], sq = new double[size];
        long frames = 0;
        for (long e = 0; e < c.episodes(); e++)
            for (CartPoleWorld.Step s : CartPoleWorld.randomEpisode(c, datasetSeed, e)) {
                byte[] f = s.frame();
                for (int p = 0; p < size; p++) {
                    double v = (f[p] & 0xFF) / 255.0;
                    sum[p] += v;
                    sq[p] += v * v;
                }
                frames++;
            }
        float[] mean = new float[size], scale = new float[size];
        for (int p = 0; p < size; p++) {
            double m = sum[p] / frames, var = Math.max(0, sq[p] / frames - m * m);
            mean[p] = (float) m;
            scale[p] = (float) (1 / (Math.sqrt(var) + STD_FLOOR));
        }
        return new FrameNormalization(mean, scale);
    }

    public static FrameNormalization of(String input, CartPoleConfig c, long datasetSeed) {
        return STANDARDISED.equals(input) ? standardised(c, datasetSeed) : raw();
    }

    /** n bytes of frames (each frameSize long, starting at a frame boundary) as input floats at dst[offset]. */
    void apply(byte[] src, int from, float[] dst, int offset, int n, int frameSize) {
        for (int i = 0; i < n; i++) {
            float v = (src[from + i] & 0xFF) / 255f;
            if (mean != null) {
                int p = i % frameSize;
                v = (v - mean[p]) * scale[p];
            }
            dst[offset + i] = v;
        }
    }
}
