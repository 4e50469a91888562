package jepa.world;

import jepa.settings.WorldConfig;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's normalisation (reference §1.7). Images: (ô − mean[ch])/std[ch], scalars per channel (the three-dot world
 * estimates each dot's channel separately, as the reference's three sub-datasets do). Locations:
 * n = ((c − clampMin)/range − 0.5)/√(1/12), i.e. zero mean, unit variance for a uniform position.
 * Actions: a/actionScale with actionScale = 0.4102·maxStep + 1e-7.
 */
public record Normalization(float[] imageMean, float[] imageStd, double clampMin, double range, double actionScale)
        implements Serializable {

    private static final double SQRT_1_12 = Math.sqrt(1.0 / 12);

    public Normalization {
        if (imageMean.length == 0 || imageMean.length != imageStd.length)
            throw new IllegalArgumentException("imageMean and imageStd need the same positive length, got "
                    + imageMean.length + " and " + imageStd.length);
        for (float s : imageStd) if (!(s > 0)) throw new IllegalArgumentException("imageStd must be > 0, got " + Arrays.toString(imageStd));
        if (!(range > 0)) throw new IllegalArgumentException("range must be > 0, got " + range);
        if (!(actionScale > 0)) throw new IllegalArgumentException("actionScale must be > 0, got " + actionScale);
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** The reference's action scale 0.4102·maxStep + 1e-7 (≈ the per-component std of an action). */
    public static double actionScale(double maxStep) { return 0.4102 * maxStep + 1e-7; }

    /**
     * estimate_mean_std: per channel, the average over batches of the per-batch mean and of the per-batch
     * unbiased std (the reference uses 100 batches of B sequences).
     */
    public static Normalization estimate(List<ImageMoments> batches, WorldConfig w) {
        if (batches.isEmpty()) throw new IllegalArgumentException("need at least one batch to estimate the normalisation");
        int c = batches.get(0).channels();
        double[] m = new double[c], s = new double[c];
        for (ImageMoments b : batches) {
            if (b.channels() != c) throw new IllegalArgumentException("batches disagree on the channel count");
            for (int ch = 0; ch < c; ch++) {
                m[ch] += b.mean(ch);
                s[ch] += b.unbiasedStd(ch);
            }
        }
        float[] mean = new float[c], std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = (float) (m[ch] / batches.size());
            std[ch] = (float) (s[ch] / batches.size());
        }
        return new Normalization(mean, std, w.clampMin(), w.range(), actionScale(w.maxStep()));
    }

    public int channels() { return imageMean.length; }

    public double normalizeLocation(double px) { return ((px - clampMin) / range - 0.5) / SQRT_1_12; }

    public double unnormalizeLocation(double n) { return (n * SQRT_1_12 + 0.5) * range + clampMin; }

    public double normalizeAction(double a) { return a / actionScale; }

    /** New array of normalised locations (any layout; every value is a coordinate in px). */
    public float[] normalizeLocations(float[] px) {
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) out[i] = (float) normalizeLocation(px[i]);
        return out;
    }

    /** New array of normalised actions. */
    public float[] normalizeActions(float[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (float) normalizeAction(a[i]);
        return out;
    }

    /** New array of normalised frames laid out [frames][channels][pixels]. */
    public float[] normalizeFrames(float[] frames, int pixelsPerImage) {
        int c = channels();
        float[] out = new float[frames.length];
        for (int i = 0; i < frames.length; i++) {
            int ch = (i / pixelsPerImage) % c;
            out[i] = (frames[i] - imageMean[ch]) / imageStd[ch];
        }
        return out;
    }

    /** MSE in normalised location units → px² (×(√(1/12)·range)² = 39.603 for the default range). */
    public double unnormalizeMse(double mseNorm) { return mseNorm * (SQRT_1_12 * range) * (SQRT_1_12 * range); }

    @Override public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(imageMean, n.imageMean) && Arrays.equals(imageStd, n.imageStd)
                && clampMin == n.clampMin && range == n.range && actionScale == n.actionScale;
    }

    @Override public int hashCode() {
        return 31 * (31 * Arrays.hashCode(imageMean) + Arrays.hashCode(imageStd)) + Double.hashCode(clampMin + 7 * range + 13 * actionScale);
    }

    @Override public String toString() {
        return "Normalization[imageMean=" + Arrays.toString(imageMean) + ", imageStd=" + Arrays.toString(imageStd)
                + ", clampMin=" + clampMin + ", range=" + range + ", actionScale=" + actionScale + "]";
    }
}
