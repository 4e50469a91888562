/*
 * BatchNorm's four passes over dense NCHW float arrays [n, c, hw] for jepa.accel.batchnorm.BatchNorm (images [i0, i1) per
 * call): the same operations in the same order as its Java float passes (per-element float lanes over a block of
 * images, per-channel totals in double), so the results are the same bits; gcc vectorises the element loops, and the
 * arrays are read in place instead of copied image by image into Java arrays. Built with -ffp-contract=off: no
 * multiply-add is fused where Java rounds twice.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define F(a) ((float *) (intptr_t) (a))

/* A Java float[] of n values, copied (the caller frees it). */
static float *floats(JNIEnv *env, jfloatArray a, int n) {
    float *v = malloc(sizeof(float) * n);
    (*env)->GetFloatArrayRegion(env, a, 0, n, v);
    return v;
}

/* out[j] = the double sum of lanes [j·hw, (j+1)·hw), in order. */
static void totals(const float *lanes, int c, int hw, double *out) {
    for (int j = 0; j < c; j++) {
        double a = 0;
        for (int k = j * hw, e = k + hw; k < e; k++) a += lanes[k];
        out[j] = a;
    }
}

/* s1[j] = Σ (x − shift[j]), s2[j] = Σ (x − shift[j])² over images [i0, i1) of channel j. */
AVX2 static void stats(const float *x, int c, int hw, int i0, int i1, const float *shift, double *s1, double *s2) {
    int per = c * hw;
    float *l1 = calloc(per, sizeof(float)), *l2 = calloc(per, sizeof(float));
    for (int i = i0; i < i1; i++) {
        const float *xi = x + (long) i * per;
        for (int j = 0; j < c; j++) {
            float s = shift[j];
            for (int k = j * hw, e = k + hw; k < e; k++) {
                float d = xi[k] - s;
                l1[k] += d;
                l2[k] += d * d;
            }
        }
    }
    totals(l1, c, hw, s1);
    totals(l2, c, hw, s2);
    free(l1);
    free(l2);
}

/* out = (x − mean)·scale + beta per channel, images [i0, i1). */
AVX2 static void normalize(const float *x, float *out, int c, int hw, int i0, int i1, const float *mean, const float *scale, const float *beta) {
    int per = c * hw;
    for (int i = i0; i < i1; i++) {
        const float *xi = x + (long) i * per;
        float *oi = out + (long) i * per;
        for (int j = 0; j < c; j++) {
            float m = mean[j], s = scale[j], b = beta[j];
            for (int k = j * hw, e = k + hw; k < e; k++) oi[k] = (xi[k] - m) * s + b;
        }
    }
}

/* sdy[j] = Σ dy, sdyx[j] = Σ dy·(x − mean[j]) over images [i0, i1) of channel j. */
AVX2 static void gradientSums(const float *x, const float *dy, int c, int hw, int i0, int i1, const float *mean, double *sdy, double *sdyx) {
    int per = c * hw;
    float *l1 = calloc(per, sizeof(float)), *l2 = calloc(per, sizeof(float));
    for (int i = i0; i < i1; i++) {
        const float *xi = x + (long) i * per, *di = dy + (long) i * per;
        for (int j = 0; j < c; j++) {
            float m = mean[j];
            for (int k = j * hw, e = k + hw; k < e; k++) {
                l1[k] += di[k];
                l2[k] += di[k] * (xi[k] - m);
            }
        }
    }
    totals(l1, c, hw, sdy);
    totals(l2, c, hw, sdyx);
    free(l1);
    free(l2);
}

/* dx = k1·dy + k2·(x − mean) + k3 per channel, images [i0, i1). */
AVX2 static void gradientInput(const float *x, const float *dy, float *dx, int c, int hw, int i0, int i1, const float *mean,
                               const float *k1, const float *k2, const float *k3) {
    int per = c * hw;
    for (int i = i0; i < i1; i++) {
        const float *xi = x + (long) i * per, *di = dy + (long) i * per;
        float *oi = dx + (long) i * per;
        for (int j = 0; j < c; j++) {
            float m = mean[j], a = k1[j], b = k2[j], d = k3[j];
            for (int k = j * hw, e = k + hw; k < e; k++) oi[k] = a * di[k] + b * (xi[k] - m) + d;
        }
    }
}

JNIEXPORT void JNICALL Java_jepa_accel_batchnorm_NativeBatchNorm_stats(JNIEnv *env, jclass cls, jlong x, jint c, jint hw, jint i0, jint i1,
        jfloatArray shift, jdoubleArray s1, jdoubleArray s2) {
    float *sh = floats(env, shift, c);
    double *t = malloc(sizeof(double) * 2 * c);
    stats(F(x), c, hw, i0, i1, sh, t, t + c);
    (*env)->SetDoubleArrayRegion(env, s1, 0, c, t);
    (*env)->SetDoubleArrayRegion(env, s2, 0, c, t + c);
    free(sh);
    free(t);
}

JNIEXPORT void JNICALL Java_jepa_accel_batchnorm_NativeBatchNorm_normalize(JNIEnv *env, jclass cls, jlong x, jlong out, jint c, jint hw, jint i0, jint i1,
        jfloatArray mean, jfloatArray scale, jfloatArray beta) {
    float *m = floats(env, mean, c), *s = floats(env, scale, c), *b = floats(env, beta, c);
    normalize(F(x), F(out), c, hw, i0, i1, m, s, b);
    free(m);
    free(s);
    free(b);
}

JNIEXPORT void JNICALL Java_jepa_accel_batchnorm_NativeBatchNorm_gradientSums(JNIEnv *env, jclass cls, jlong x, jlong dy, jint c, jint hw, jint i0, jint i1,
        jfloatArray mean, jdoubleArray sdy, jdoubleArray sdyx) {
    float *m = floats(env, mean, c);
    double *t = malloc(sizeof(double) * 2 * c);
    gradientSums(F(x), F(dy), c, hw, i0, i1, m, t, t + c);
    (*env)->SetDoubleArrayRegion(env, sdy, 0, c, t);
    (*env)->SetDoubleArrayRegion(env, sdyx, 0, c, t + c);
    free(m);
    free(t);
}

JNIEXPORT void JNICALL Java_jepa_accel_batchnorm_NativeBatchNorm_gradientInput(JNIEnv *env, jclass cls, jlong x, jlong dy, jlong dx, jint c, jint hw,
        jint i0, jint i1, jfloatArray mean, jfloatArray k1, jfloatArray k2, jfloatArray k3) {
    float *m = floats(env, mean, c), *a = floats(env, k1, c), *b = floats(env, k2, c), *d = floats(env, k3, c);
    gradientInput(F(x), F(dy), F(dx), c, hw, i0, i1, m, a, b, d);
    free(m);
    free(a);
    free(b);
    free(d);
}
