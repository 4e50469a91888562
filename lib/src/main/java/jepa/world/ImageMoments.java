package jepa.world;

import java.io.Serializable;

/**
 * Per-channel pixel sum, sum of squares and count over ONE batch of sequences (all pixels of all frames): the
 * per-batch statistics of the reference's estimate_mean_std (reference §1.7). Mergeable, so a batch may be accumulated in
 * pieces (e.g. Spark partitions) — but batches themselves must stay separate for {@link Normalization#estimate}.
 */
public final class ImageMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] sum;
    private final double[] sumSq;
    private final long[] count;

    public ImageMoments(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("channels must be > 0, got " + channels);
        sum = new double[channels];
        sumSq = new double[channels];
        count = new long[channels];
    }

    public int channels() { return sum.length; }

    /** Adds frames laid out [frames][channels][pixels] (any frame count; length must divide into channels). */
    public ImageMoments add(float[] frames, int pixelsPerImage) {
        int c = sum.length, block = c * pixelsPerImage;
        if (frames.length % block != 0)
            throw new IllegalArgumentException("frames length " + frames.length + " is not a multiple of " + c + "×" + pixelsPerImage);
        for (int off = 0; off < frames.length; off += block)
            for (int ch = 0; ch < c; ch++) {
                double s = 0, q = 0;
                int base = off + ch * pixelsPerImage;
                for (int k = 0; k < pixelsPerImage; k++) {
                    double v = frames[base + k];
                    s += v;
                    q += v * v;
                }
                sum[ch] += s;
                sumSq[ch] += q;
                count[ch] += pixelsPerImage;
            }
        return this;
    }

    /** Adds another partial accumulation of the same batch. */
    public ImageMoments merge(ImageMoments other) {
        if (other.channels() != channels()) throw new IllegalArgumentException("channel count " + other.channels() + " != " + channels());
        for (int ch = 0; ch < sum.length; ch++) {
            sum[ch] += other.sum[ch];
            sumSq[ch] += other.sumSq[ch];
            count[ch] += other.count[ch];
        }
        return this;
    }

    public long count(int ch) { return count[ch]; }

    public double mean(int ch) { return sum[ch] / count[ch]; }

    /** Unbiased (n−1) standard deviation, as torch.std. */
    public double unbiasedStd(int ch) {
        long n = count[ch];
        if (n < 2) throw new IllegalStateException("need at least 2 pixels for a std, have " + n);
        double m = sum[ch] / n;
        return Math.sqrt(Math.max(0, (sumSq[ch] - n * m * m) / (n - 1)));
    }
}
