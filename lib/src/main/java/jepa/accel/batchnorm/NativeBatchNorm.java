package jepa.accel.batchnorm;

/**
 * {@link BatchNorm}'s four float passes as native code (src/main/c/jepa_bn.c, in {@link NativeLibrary}): the same
 * operations in the same order, so the same bits, on the arrays in place (the Java passes copy every image into
 * Java arrays and back). Addresses are of dense c-order float [n, c, hw] arrays; each call covers images [i0, i1).
 */
final class NativeBatchNorm {
    private NativeBatchNorm() {}

    /** s1[j] = Σ (x − shift[j]), s2[j] = Σ (x − shift[j])² over images [i0, i1) of channel j. */
    static native void stats(long x, int c, int hw, int i0, int i1, float[] shift, double[] s1, double[] s2);

    /** out = (x − mean)·scale + beta per channel, images [i0, i1). */
    static native void normalize(long x, long out, int c, int hw, int i0, int i1, float[] mean, float[] scale, float[] beta);

    /** sdy[j] = Σ dy, sdyx[j] = Σ dy·(x − mean[j]) over images [i0, i1) of channel j. */
    static native void gradientSums(long x, long dy, int c, int hw, int i0, int i1, float[] mean, double[] sdy, double[] sdyx);

    /** dx = k1·dy + k2·(x − mean) + k3 per channel, images [i0, i1). */
    static native void gradientInput(long x, long dy, long dx, int c, int hw, int i0, int i1, float[] mean, float[] k1, float[] k2, float[] k3);
}
