package jepa.rl;

import java.util.SplittableRandom;

/** The categorical distribution of a row of logits (softmax), computed stably (max subtracted) in double. */
public final class Categorical {
    private Categorical() {}

    /** log-probabilities of logits[offset, offset + k) into out[offset, offset + k). */
    public static void logSoftmax(double[] logits, int offset, int k, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, logits[offset + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) sum += Math.exp(logits[offset + j] - max);
        double logZ = max + Math.log(sum);
        for (int j = 0; j < k; j++) out[offset + j] = logits[offset + j] - logZ;
    }

    /** Entropy −Σ p log p of the row, from its log-probabilities. */
    public static double entropy(double[] logProbs, int offset, int k) {
        double h = 0;
        for (int j = 0; j < k; j++) {
            double lp = logProbs[offset + j];
            h -= Math.exp(lp) * lp;
        }
        return h;
    }

    /** A sample from the row's log-probabilities by inversion of one uniform draw. */
    public static int sample(double[] logProbs, int offset, int k, SplittableRandom rng) {
        double u = rng.nextDouble(), c = 0;
        for (int j = 0; j < k - 1; j++) {
            c += Math.exp(logProbs[offset + j]);
            if (u < c) return j;
        }
        return k - 1;
    }
}
