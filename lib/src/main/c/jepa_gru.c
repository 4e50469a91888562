/*
 * A GRU layer's forward and backward pass through all steps for jepa.accel.gru.NativeGru (float, feature-major: a state is
 * [rows, B] row-major): per step the gemms with the weights packed once per pass, and the gates' elementwise pass.
 * Why: a step is ~1 ms of arithmetic at B = 64, and handing each of its gemms and gate passes to pooled threads (Java
 * or OpenBLAS) cost 0.1-0.3 ms per hand-off on a 2-vCPU VM; the Java gates also ran in double with Math.exp.
 *
 * Each of the caller's threads runs the whole pass over its own range of hidden units (panels of 6) and meets the
 * others at a spin barrier once per step (the next step's gemm reads every unit's state). Every output element is
 * computed by one thread in one fixed order, so results do not depend on the thread count. AVX2 + FMA only (target
 * attributes); the loader checks the CPU first.
 */
#include <jni.h>
#include <sched.h>
#include <stdint.h>
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define MR 6           /* rows of a register tile = rows of a panel of A */
#define NR 16          /* columns of a register tile (two 8-float vectors) */

/* The packed layout's size per block: panels of 6 rows of an [m, k] matrix. */
static long packedSize(int m, int k) { return (long) ((m + MR - 1) / MR) * MR * k; }

/*
 * Panels [p0, p1) of each of `blocks` blocks of A [blocks·m, k], w (r, c) at src[r·s0 + c·s1]: A = w (trans = 0) or wᵀ
 * (trans = 1). Block blk's panel p holds, for q in [0, k), the 6 values A[blk·m + 6p .. 6p+5][q] (0 past row m of
 * the block), so the gemm reads it front to back; blocks follow each other, packedSize(m, k) floats apart.
 */
static void pack(const float *src, long s0, long s1, int trans, int blocks, int m, int k, float *panels, int p0, int p1) {
    long rs = trans ? s1 : s0, cs = trans ? s0 : s1;              /* A's row and column strides in src */
    for (int blk = 0; blk < blocks; blk++)
        for (int p = p0; p < p1; p++) {
            float *dst = panels + blk * packedSize(m, k) + (long) p * MR * k;
            for (int i = 0; i < MR; i++) {
                int row = p * MR + i;
                const float *a = src + (long) (blk * m + row) * rs;
                for (int q = 0; q < k; q++) dst[(long) q * MR + i] = row < m ? a[q * cs] : 0.f;
            }
        }
}

/* Lanes [0, n) of two 8-float vectors (n in 1..16). */
AVX2 static inline void masks(int n, __m256i *m0, __m256i *m1) {
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    *m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
    *m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lane);
}

/* acc[i] = Σ_q a[6q + i] · b[q·ldb + 0..16) for the 6 rows of a packed panel (lanes off in the masks read 0). */
static inline __attribute__((always_inline)) AVX2 void tile(const float *a, const float *b, int ldb, int k, int full,
                                                             __m256i m0, __m256i m1, float acc[MR][NR]) {
    __m256 c[MR][2];
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
    for (int q = 0; q < k; q++, a += MR, b += ldb) {
        __m256 b0 = full ? _mm256_loadu_ps(b) : _mm256_maskload_ps(b, m0);
        __m256 b1 = full ? _mm256_loadu_ps(b + 8) : _mm256_maskload_ps(b + 8, m1);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            __m256 t = _mm256_broadcast_ss(a + i);
            c[i][0] = _mm256_fmadd_ps(t, b0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(t, b1, c[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {                                   /* constant indices: c stays in registers */
        _mm256_storeu_ps(acc[i], c[i][0]);
        _mm256_storeu_ps(acc[i] + 8, c[i][1]);
    }
}

/*
 * Rows of panels [p0, p1) of C [m, n] (row-major) = A·B (+ C if accumulate), B [k, n] row-major. A 6 x 16 register
 * tile per panel and 16 columns, the sum over q in order.
 */
AVX2 static void gemm(const float *panels, int m, int k, const float *b, int n, float *c, int accumulate, int p0, int p1) {
    float acc[MR][NR];
    for (int p = p0; p < p1; p++) {
        const float *a = panels + (long) p * MR * k;
        int rows = m - p * MR < MR ? m - p * MR : MR;
        for (int n0 = 0; n0 < n; n0 += NR) {
            int cols = n - n0 < NR ? n - n0 : NR;
            __m256i k0, k1;
            masks(cols, &k0, &k1);
            if (cols == NR) tile(a, b + n0, n, k, 1, k0, k1, acc);
            else tile(a, b + n0, n, k, 0, k0, k1, acc);
            for (int i = 0; i < rows; i++) {
                float *ci = c + (long) (p * MR + i) * n + n0;
                __m256 v0 = _mm256_loadu_ps(acc[i]), v1 = _mm256_loadu_ps(acc[i] + 8);
                if (accumulate) {
                    v0 = _mm256_add_ps(_mm256_maskload_ps(ci, k0), v0);
                    v1 = _mm256_add_ps(_mm256_maskload_ps(ci + 8, k1), v1);
                }
                _mm256_maskstore_ps(ci, k0, v0);
                _mm256_maskstore_ps(ci + 8, k1, v1);
            }
        }
    }
}

/*
 * e^x for 8 floats (Cephes' expf: range reduction by ln 2 in two parts, degree-6 polynomial; relative error ~2e-7).
 * Inputs are clamped to ±88.38 (e^x stays finite, below e^-88.38 it is 0); NaN passes through.
 */
AVX2 static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(88.3762626647949f), x);       /* min/max return x when x is NaN */
    x = _mm256_max_ps(_mm256_set1_ps(-88.3762626647949f), x);
    __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

AVX2 static inline __m256 sigmoid8(__m256 x) {
    __m256 one = _mm256_set1_ps(1.f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

/* tanh as 1 − 2/(e^{2x} + 1), as the Java path. */
AVX2 static inline __m256 tanh8(__m256 x) {
    __m256 one = _mm256_set1_ps(1.f);
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.f), _mm256_add_ps(exp8(_mm256_add_ps(x, x)), one)));
}

/*
 * Forward gates for hidden units [j0, j1). g: gi = Wiᵀx (no bias) as blocks r, u, n of [h, b] each, overwritten by
 * the gates r, u, n; gh: Whᵀh (no bias), its n block overwritten by gh_n + bh_n; hNext = n + u ⊙ (hPrev − n).
 */
AVX2 static void gatesForward(float *g, float *gh, const float *hPrev, float *hNext, const float *bi, const float *bh,
                              int h, int b, int j0, int j1) {
    long hb = (long) h * b;
    for (int j = j0; j < j1; j++) {
        __m256 bir = _mm256_set1_ps(bi[j]), biu = _mm256_set1_ps(bi[h + j]), bin = _mm256_set1_ps(bi[2 * h + j]);
        __m256 bhr = _mm256_set1_ps(bh[j]), bhu = _mm256_set1_ps(bh[h + j]), bhn = _mm256_set1_ps(bh[2 * h + j]);
        for (int e0 = 0; e0 < b; e0 += 8) {
            __m256i m, unused;
            masks(b - e0 < 8 ? b - e0 : 8, &m, &unused);
            long e = (long) j * b + e0;
            __m256 r = sigmoid8(_mm256_add_ps(_mm256_add_ps(_mm256_maskload_ps(g + e, m), bir), _mm256_add_ps(_mm256_maskload_ps(gh + e, m), bhr)));
            __m256 u = sigmoid8(_mm256_add_ps(_mm256_add_ps(_mm256_maskload_ps(g + hb + e, m), biu), _mm256_add_ps(_mm256_maskload_ps(gh + hb + e, m), bhu)));
            __m256 ghn = _mm256_add_ps(_mm256_maskload_ps(gh + 2 * hb + e, m), bhn);
            __m256 n = tanh8(_mm256_add_ps(_mm256_add_ps(_mm256_maskload_ps(g + 2 * hb + e, m), bin), _mm256_mul_ps(r, ghn)));
            __m256 hp = _mm256_maskload_ps(hPrev + e, m);
            _mm256_maskstore_ps(g + e, m, r);
            _mm256_maskstore_ps(g + hb + e, m, u);
            _mm256_maskstore_ps(g + 2 * hb + e, m, n);
            _mm256_maskstore_ps(gh + 2 * hb + e, m, ghn);
            _mm256_maskstore_ps(hNext + e, m, _mm256_add_ps(n, _mm256_mul_ps(u, _mm256_sub_ps(hp, n))));
        }
    }
}

/* The 8 lanes of v added to four double sums (lanes i and i+4 to sum i). */
AVX2 static inline __m256d widen(__m256 v, __m256d s) {
    return _mm256_add_pd(_mm256_add_pd(s, _mm256_cvtps_pd(_mm256_castps256_ps128(v))), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

AVX2 static inline double total(__m256d s) {
    double l[4];
    _mm256_storeu_pd(l, s);
    return (l[0] + l[1]) + (l[2] + l[3]);
}

/*
 * Backward gates for hidden units [j0, j1). dh = eps (+ carry if addCarry); from the forward's gates g (r, u, n),
 * gh_n (gh's n block) and hPrev: dgi = (a_r, a_u, a_n), dgh = (a_r, a_u, a_n ⊙ r), carry = dh ⊙ u; the rows' sums of
 * a_r, a_u, a_n (and a_n ⊙ r) are added, in double, to dbi (dbh).
 */
AVX2 static void gatesBackward(const float *eps, float *carry, int addCarry, const float *g, const float *gh, const float *hPrev,
                               float *dgi, float *dgh, double *dbi, double *dbh, int h, int b, int j0, int j1) {
    long hb = (long) h * b;
    __m256 one = _mm256_set1_ps(1.f);
    for (int j = j0; j < j1; j++) {
        __m256d sr = _mm256_setzero_pd(), su = sr, sn = sr, shn = sr;
        for (int e0 = 0; e0 < b; e0 += 8) {
            __m256i m, unused;
            masks(b - e0 < 8 ? b - e0 : 8, &m, &unused);
            long e = (long) j * b + e0;
            __m256 d = _mm256_maskload_ps(eps + e, m);
            if (addCarry) d = _mm256_add_ps(d, _mm256_maskload_ps(carry + e, m));
            __m256 r = _mm256_maskload_ps(g + e, m), u = _mm256_maskload_ps(g + hb + e, m), n = _mm256_maskload_ps(g + 2 * hb + e, m);
            __m256 an = _mm256_mul_ps(_mm256_mul_ps(d, _mm256_sub_ps(one, u)), _mm256_fnmadd_ps(n, n, one));
            __m256 au = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(d, _mm256_sub_ps(_mm256_maskload_ps(hPrev + e, m), n)), u), _mm256_sub_ps(one, u));
            __m256 ar = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(an, _mm256_maskload_ps(gh + 2 * hb + e, m)), r), _mm256_sub_ps(one, r));
            __m256 anr = _mm256_mul_ps(an, r);
            _mm256_maskstore_ps(dgi + e, m, ar);
            _mm256_maskstore_ps(dgi + hb + e, m, au);
            _mm256_maskstore_ps(dgi + 2 * hb + e, m, an);
            _mm256_maskstore_ps(dgh + e, m, ar);
            _mm256_maskstore_ps(dgh + hb + e, m, au);
            _mm256_maskstore_ps(dgh + 2 * hb + e, m, anr);
            _mm256_maskstore_ps(carry + e, m, _mm256_mul_ps(d, u));
            sr = widen(ar, sr);                                        /* masked-out lanes loaded and computed 0 */
            su = widen(au, su);
            sn = widen(an, sn);
            shn = widen(anr, shn);
        }
        dbi[j] += total(sr); dbi[h + j] += total(su); dbi[2 * h + j] += total(sn);
        dbh[j] += total(sr); dbh[h + j] += total(su); dbh[2 * h + j] += total(shn);
    }
}

/*
 * Sense-reversing spin barrier for n threads over bar[0] (arrivals) and bar[1] (sense), both 0 at the start of a
 * pass; *sense is the thread's own, 0 at the start. Spins with pause, then yields (more threads than cores).
 */
static void barrier(int *bar, int n, int *sense) {
    *sense = !*sense;
    if (__atomic_add_fetch(&bar[0], 1, __ATOMIC_ACQ_REL) == n) {
        __atomic_store_n(&bar[0], 0, __ATOMIC_RELAXED);
        __atomic_store_n(&bar[1], *sense, __ATOMIC_RELEASE);
    } else {
        for (long spins = 0; __atomic_load_n(&bar[1], __ATOMIC_ACQUIRE) != *sense; spins++) {
            if (spins < 2000) _mm_pause();                      /* ~50 µs, then give the core away */
            else sched_yield();
        }
    }
}

/*
 * Forward pass of one layer over `steps` steps, this thread's panels [p0, p1) of hidden units. wiT, whT: Wiᵀ [3h, in]
 * and Whᵀ [3h, h] packed as three blocks (r, u, n) of h rows; x_t = x + t·xStride ([in, b]); g, gh [steps, 3h, b];
 * hs [steps + 1, h, b] with step 0 set. Per step: gi and gh rows of the thread's units, its gates, h_{t+1}, barrier.
 */
AVX2 static void forwardPass(const float *wiT, const float *whT, const float *x, long xStride, int in, float *g, float *gh,
                             float *hs, const float *bi, const float *bh, int h, int b, int steps, int p0, int p1,
                             int *bar, int threads) {
    long hb = (long) h * b, bi_ = packedSize(h, in), bh_ = packedSize(h, h);
    int j0 = p0 * MR, j1 = p1 * MR < h ? p1 * MR : h, sense = 0;
    for (int t = 0; t < steps; t++) {
        float *gt = g + 3 * hb * t, *ght = gh + 3 * hb * t, *ht = hs + hb * t;
        for (int blk = 0; blk < 3; blk++) {
            gemm(wiT + blk * bi_, h, in, x + xStride * t, b, gt + blk * hb, 0, p0, p1);
            gemm(whT + blk * bh_, h, h, ht, b, ght + blk * hb, 0, p0, p1);
        }
        gatesForward(gt, ght, ht, ht + hb, bi, bh, h, b, j0, j1);
        barrier(bar, threads, &sense);
    }
}

/*
 * Backward pass of one layer, this thread's panels [p0, p1) of hidden units. Per step t (last first): dL/dh' =
 * eps_t (eps + t·h·b) + carry, the gates' deltas into dgi, dgh [steps, 3h, b], bias gradients added to dbi,
 * dbh (double); barrier; carry rows of the thread's units += Wh·dgh_t (wh: Wh [h, 3h] packed). Then dx_t = Wi·dgi_t
 * (wi: Wi [in, 3h] packed, dx_t = dx + t·in·b) for this thread's share of the steps (every dgi is complete after the
 * last step's barrier). carry ends as dL/dh_0.
 */
AVX2 static void backwardPass(const float *wh, const float *wi, int in, const float *eps, float *carry, const float *g,
                              const float *gh, const float *hs, float *dgi, float *dgh, float *dx, double *dbi, double *dbh,
                              int h, int b, int steps, int p0, int p1, int part, int *bar, int threads) {
    long hb = (long) h * b;
    int j0 = p0 * MR, j1 = p1 * MR < h ? p1 * MR : h, sense = 0;
    for (int t = steps - 1; t >= 0; t--) {
        gatesBackward(eps + hb * t, carry, t < steps - 1, g + 3 * hb * t, gh + 3 * hb * t, hs + hb * t,
                      dgi + 3 * hb * t, dgh + 3 * hb * t, dbi, dbh, h, b, j0, j1);
        barrier(bar, threads, &sense);
        gemm(wh, h, 3 * h, dgh + 3 * hb * t, b, carry, 1, p0, p1);
    }
    for (int t = (long) steps * part / threads; t < (long) steps * (part + 1) / threads; t++)
        gemm(wi, in, 3 * h, dgi + 3 * hb * t, b, dx + (long) in * b * t, 0, 0, (in + MR - 1) / MR);
}

#define F(a) ((float *) (intptr_t) (a))

JNIEXPORT void JNICALL Java_jepa_accel_gru_NativeGru_pack(JNIEnv *env, jclass cls, jlong src, jlong s0, jlong s1, jboolean trans, jint blocks,
        jint m, jint k, jlong panels, jint p0, jint p1) {
    pack(F(src), s0, s1, trans, blocks, m, k, F(panels), p0, p1);
}

JNIEXPORT void JNICALL Java_jepa_accel_gru_NativeGru_forwardPass(JNIEnv *env, jclass cls, jlong wiT, jlong whT, jlong x, jlong xStride, jint in,
        jlong g, jlong gh, jlong hs, jlong bi, jlong bh, jint h, jint b, jint steps, jint p0, jint p1, jlong bar, jint threads) {
    forwardPass(F(wiT), F(whT), F(x), xStride, in, F(g), F(gh), F(hs), F(bi), F(bh), h, b, steps, p0, p1, (int *) (intptr_t) bar, threads);
}

JNIEXPORT void JNICALL Java_jepa_accel_gru_NativeGru_backwardPass(JNIEnv *env, jclass cls, jlong wh, jlong wi, jint in, jlong eps, jlong carry,
        jlong g, jlong gh, jlong hs, jlong dgi, jlong dgh, jlong dx, jlong dbi, jlong dbh, jint h, jint b, jint steps, jint p0, jint p1,
        jint part, jlong bar, jint threads) {
    backwardPass(F(wh), F(wi), in, F(eps), F(carry), F(g), F(gh), F(hs), F(dgi), F(dgh), F(dx), (double *) (intptr_t) dbi,
            (double *) (intptr_t) dbh, h, b, steps, p0, p1, part, (int *) (intptr_t) bar, threads);
}
