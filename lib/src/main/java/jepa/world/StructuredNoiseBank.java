package jepa.world;

import java.util.SplittableRandom;

/**
 * Built-in structured noise with natural-image statistics, for when CIFAR-10 is not on disk: each image has a 1/f
 * amplitude spectrum with random phases (the classic model of natural-image spectra), made by a separable inverse
 * DFT and rescaled to [0,1]. Image k is a function of (bank seed, train|test, k) only, computed with StrictMath
 * so the bank is identical on every JVM; the train and test banks are independent.
 */
public final class StructuredNoiseBank implements NoiseImages {
    private static final int N = SIDE;
    private static final long TRAIN_SALT = 0x3C6EF372FE94F82BL, TEST_SALT = 0xA54FF53A5F1D36F1L;

    private final float[] images;
    private final int count;
    private final String source;

    public StructuredNoiseBank(long bankSeed, int count, boolean test) {
        if (count <= 0) throw new IllegalArgumentException("noise bank size must be > 0, got " + count);
        this.count = count;
        this.images = new float[count * PIXELS];
        this.source = "bank:seed=" + bankSeed + ",n=" + count + "," + (test ? "test" : "train");
        Dft dft = new Dft();
        for (int k = 0; k < count; k++) {
            SplittableRandom rng = new SplittableRandom(SequenceSeed.seed(bankSeed, test ? TEST_SALT : TRAIN_SALT, k));
            dft.image(rng, images, k * PIXELS);
        }
    }

    @Override public int count() { return count; }

    @Override public String source() { return source; }

    @Override
    public void copyTo(int index, float[] dst, int offset) {
        System.arraycopy(images, index * PIXELS, dst, offset, PIXELS);
    }

    /** Scratch space and twiddle factors for one thread's image synthesis. */
    private static final class Dft {
        final double[] cos = new double[N], sin = new double[N];
        final double[] amp = new double[N * N];
        final double[] re = new double[N * N], im = new double[N * N];
        final double[] gRe = new double[N * N], gIm = new double[N * N];
        final double[] out = new double[N * N];

        Dft() {
            for (int k = 0; k < N; k++) {
                cos[k] = StrictMath.cos(2 * Math.PI * k / N);
                sin[k] = StrictMath.sin(2 * Math.PI * k / N);
            }
            for (int u = 0; u < N; u++)
                for (int v = 0; v < N; v++) {
                    int fu = Math.min(u, N - u), fv = Math.min(v, N - v);
                    double f = StrictMath.sqrt(fu * fu + fv * fv);
                    amp[u * N + v] = f == 0 ? 0 : 1 / f; // no DC: the mean is set by the rescale
                }
        }

        /** One image: spectrum amp·e^{iφ}, φ ~ U[0,2π); real part of its inverse DFT; min–max rescaled to [0,1]. */
        void image(SplittableRandom rng, float[] dst, int offset) {
            for (int k = 0; k < N * N; k++) {
                double phi = 2 * Math.PI * rng.nextDouble();
                re[k] = amp[k] * StrictMath.cos(phi);
                im[k] = amp[k] * StrictMath.sin(phi);
            }
            // along v (columns): G[u][j] = Σ_v F[u][v] e^{2πi v j / N}
            for (int u = 0; u < N; u++)
                for (int j = 0; j < N; j++) {
                    double sr = 0, si = 0;
                    for (int v = 0; v < N; v++) {
                        int t = (v * j) % N;
                        double fr = re[u * N + v], fi = im[u * N + v];
                        sr += fr * cos[t] - fi * sin[t];
                        si += fr * sin[t] + fi * cos[t];
                    }
                    gRe[u * N + j] = sr;
                    gIm[u * N + j] = si;
                }
            // along u (rows), real part only: X[i][j] = Re Σ_u G[u][j] e^{2πi u i / N}
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int u = 0; u < N; u++) {
                        int t = (u * i) % N;
                        s += gRe[u * N + j] * cos[t] - gIm[u * N + j] * sin[t];
                    }
                    out[i * N + j] = s;
                    min = Math.min(min, s);
                    max = Math.max(max, s);
                }
            double scale = max > min ? 1 / (max - min) : 0;
            for (int k = 0; k < N * N; k++) dst[offset + k] = (float) ((out[k] - min) * scale);
        }
    }
}
