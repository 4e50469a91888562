/*
 * Float conv -> bias -> ReLU layers for jepa.accel.conv.NativeConv2d (all arrays NCHW, dense): forward, weight and bias
 * gradient, input gradient. The patch matrix is never written to memory: rows of patches (one per output position)
 * are gathered into a small buffer and multiplied at once by an AVX2/FMA 6 x 16 register tile, so im2col and the
 * gemm's packing are one pass over cached data; bias and ReLU are applied as results are stored, and the backward
 * kernels read ReLU's gradient from the activation (> 0 exactly where the pre-activation is), so no pre-activation
 * needs to be kept. Why: at MeNet5's shapes (64 output channels) OpenBLAS runs im2col'd gemms at about half the CPU's
 * peak, and the patch matrices (up to 170 MB) go through memory twice.
 *
 * Each call covers images [b0, b1) and writes only their part of the output, so the Java side runs disjoint ranges
 * on its threads. Every output element is summed in the same order whatever the ranges: results do not depend on
 * the thread count. Kernels are compiled for AVX2 + FMA only (target attributes); the loader (jepa_native.c) tells
 * whether the CPU has them, and nothing here is called when it does not.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define MR 6           /* rows of a register tile */
#define NR 16          /* columns of a register tile (two 8-float vectors) */
#define SLACK 8        /* floats of slack around an image's gradient (input gradient) */
#define PLANES_FROM 128 /* output positions per image from which forward() computes along the planes */
#define BLOCK 96       /* patch rows per block of the weight gradient (96 x 800 floats: in L2) */

typedef struct { int c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, k, k16, pix, npos; } Geometry;

static Geometry geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
    Geometry g = {c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, c * kh * kw, 0, c * h * w, oh * ow};
    g.k16 = (g.k + NR - 1) / NR * NR;
    return g;
}

/* Per output position and patch element (c, ky, kx): the pixel it reads, or -1 in the padding. */
static int *offsets(const Geometry *g) {
    int *off = malloc(sizeof(int) * (size_t) g->npos * g->k);
    for (int pos = 0; pos < g->npos; pos++) {
        int iy0 = pos / g->ow * g->sh - g->ph, ix0 = pos % g->ow * g->sw - g->pw;
        for (int ci = 0; ci < g->c; ci++)
            for (int ky = 0; ky < g->kh; ky++)
                for (int kx = 0; kx < g->kw; kx++) {
                    int iy = iy0 + ky, ix = ix0 + kx;
                    off[(long) pos * g->k + (ci * g->kh + ky) * g->kw + kx] = iy >= 0 && iy < g->h && ix >= 0 && ix < g->w ? (ci * g->h + iy) * g->w + ix : -1;
                }
    }
    return off;
}

/*
 * dst[0..k) = the patch of output position pos of one image (zeros in the padding), dst[k..k16) = 0, and up to 8
 * floats past dst[k] may be overwritten (the next row's, written after, or slack). Each kernel row (c, ky) is one
 * masked 8-float load of kw pixels (lanes past the kernel or the image read nothing and are 0) stored whole: the next
 * kernel row's store overwrites the extra lanes. Faster than AVX2 gathers by a table (12%) or scalar ones (3x).
 * Kernels wider than 8 use the table (off).
 */
AVX2 static void patch(const Geometry *g, const int *off, const float *img, int pos, float *dst) {
    if (g->kw > 8) {
        const int *o = off + (long) pos * g->k;
        for (int q = 0; q < g->k; q++) dst[q] = o[q] < 0 ? 0.f : img[o[q]];
    } else {
        int kh = g->kh, kw = g->kw, h = g->h, w = g->w;
        int oy = pos / g->ow, ox = pos % g->ow, iy0 = oy * g->sh - g->ph, ix0 = ox * g->sw - g->pw;
        int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = h - iy0;              /* kernel rows [ky0, ky1) are inside the image */
        ky0 = ky0 < kh ? ky0 : kh;
        ky1 = ky1 < ky0 ? ky0 : ky1 < kh ? ky1 : kh;
        __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), ix = _mm256_add_epi32(lane, _mm256_set1_epi32(ix0));
        __m256i in = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(kw), lane),
                _mm256_and_si256(_mm256_cmpgt_epi32(ix, _mm256_set1_epi32(-1)), _mm256_cmpgt_epi32(_mm256_set1_epi32(w), ix)));
        uintptr_t src = (uintptr_t) img + 4 * ((intptr_t) (iy0 + ky0) * w + ix0);    /* row ky0 of channel 0, from ix0 */
        float *d = dst;
        for (int ci = 0; ci < g->c; ci++, src += 4 * (uintptr_t) h * w) {
            int ky = 0;
            for (; ky < ky0; ky++, d += kw) _mm256_storeu_ps(d, _mm256_setzero_ps());
            uintptr_t s = src;                                     /* may point outside: only lanes inside are read */
            for (; ky < ky1; ky++, d += kw, s += 4 * (uintptr_t) w) _mm256_storeu_ps(d, _mm256_maskload_ps((const float *) s, in));
            for (; ky < kh; ky++, d += kw) _mm256_storeu_ps(d, _mm256_setzero_ps());
        }
    }
    for (int q = g->k; q < g->k16; q++) dst[q] = 0.f;
}

/* c[i][0..16) = sum over q < k of a[i * ai + q * aq] * b[q * ldb + 0..16), for MR rows i */
static inline __attribute__((always_inline)) AVX2 void tile6(const float *a, long ai, long aq, const float *b, int ldb, int k, __m256 c[MR][2]) {
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
    for (int q = 0; q < k; q++, a += aq, b += ldb) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            __m256 t = _mm256_broadcast_ss(a + i * ai);
            c[i][0] = _mm256_fmadd_ps(t, b0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(t, b1, c[i][1]);
        }
    }
}

/* c[i][0..16) = sum over q < k of w[i * k + q] * pt[q * ld + 0..16), then act (and pre) rows i = ReLU(c + bias): R rows of
   16 positions, n <= 16 of them stored (planes np apart) */
static inline __attribute__((always_inline)) AVX2 void planeTile(const float *w, int k, const float *pt, int ld, const float *bias,
        float *pre, float *act, long np, int n, const int R) {
    __m256 c[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
    for (int q = 0; q < k; q++, pt += ld) {
        __m256 p0 = _mm256_loadu_ps(pt), p1 = _mm256_loadu_ps(pt + 8);
#pragma GCC unroll 6
        for (int i = 0; i < R; i++) {
            __m256 t = _mm256_broadcast_ss(w + (long) i * k + q);
            c[i][0] = _mm256_fmadd_ps(t, p0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(t, p1, c[i][1]);
        }
    }
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane), m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lane);
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        __m256 b = _mm256_set1_ps(bias ? bias[i] : 0.f), zero = _mm256_setzero_ps();
        __m256 v0 = _mm256_add_ps(c[i][0], b), v1 = _mm256_add_ps(c[i][1], b);
        /* ReLU as v <= 0 ? 0 : v: NaN passes, -0 becomes 0 */
        __m256 a0 = _mm256_andnot_ps(_mm256_cmp_ps(v0, zero, _CMP_LE_OQ), v0), a1 = _mm256_andnot_ps(_mm256_cmp_ps(v1, zero, _CMP_LE_OQ), v1);
        float *y = act + i * np;
        if (n == NR) {
            _mm256_storeu_ps(y, a0);
            _mm256_storeu_ps(y + 8, a1);
            if (pre) {
                _mm256_storeu_ps(pre + i * np, v0);
                _mm256_storeu_ps(pre + i * np + 8, v1);
            }
        } else {
            _mm256_maskstore_ps(y, m0, a0);
            _mm256_maskstore_ps(y + 8, m1, a1);
            if (pre) {
                _mm256_maskstore_ps(pre + i * np, m0, v0);
                _mm256_maskstore_ps(pre + i * np + 8, m1, v1);
            }
        }
    }
}

/*
 * forward() for layers with many output positions per image (MeNet5's first: 196 of them, patches of 25): per image the
 * transposed patch matrix pt [k, P16] (positions in 16s, zeros past P), and per tile R output channels times 16
 * positions, stored along the positions of the NCHW planes as whole vectors. Why: at 25-entry patches the row form's
 * element-by-element scattered stores took more time than its multiplications. Each output is the same sum in the same
 * order as in the row form (q = 0, 1, ... by FMA, then + bias), so the results are the same bits.
 */
AVX2 static void forwardPlanes(const float *x, const float *w, const float *bias, float *pre, float *act, int oc, int b0, int b1, const Geometry *g) {
    int np = g->npos, k = g->k, p16 = (np + NR - 1) / NR * NR;
    int *off = offsets(g), *offT = malloc(sizeof(int) * (size_t) k * p16);
    float *pt = aligned_alloc(64, sizeof(float) * (size_t) k * p16);
    for (int q = 0; q < k; q++)                                 /* by patch entry; -1 (padding, or past P) reads 0 */
        for (int p = 0; p < p16; p++) offT[q * p16 + p] = p < np ? off[(long) p * k + q] : -1;
    for (int b = b0; b < b1; b++) {
        const float *img = x + (long) b * g->pix;
        for (int i = 0; i < k * p16; i += 8) {
            __m256i o = _mm256_loadu_si256((const __m256i *) (offT + i));
            __m256i in = _mm256_cmpgt_epi32(o, _mm256_set1_epi32(-1));
            _mm256_storeu_ps(pt + i, _mm256_mask_i32gather_ps(_mm256_setzero_ps(), img, _mm256_and_si256(o, in), _mm256_castsi256_ps(in), 4));
        }
        long plane = (long) b * oc * np;
        for (int p0 = 0; p0 < np; p0 += NR) {
            int n = np - p0 < NR ? np - p0 : NR, o0 = 0;
            float *pr = pre ? pre + plane + p0 : NULL, *ac = act + plane + p0;
#define PLANES(R) planeTile(w + (long) o0 * k, k, pt + p0, p16, bias ? bias + o0 : NULL, pr ? pr + (long) o0 * np : NULL, ac + (long) o0 * np, np, n, R)
            for (; o0 + MR <= oc; o0 += MR) PLANES(MR);
            for (; o0 + 4 <= oc; o0 += 4) PLANES(4);
            for (; o0 + 2 <= oc; o0 += 2) PLANES(2);
            for (; o0 < oc; o0++) PLANES(1);
#undef PLANES
        }
    }
    free(off);
    free(offT);
    free(pt);
}

/*
 * For the rows of images [b0, b1), the convolution of x [B, C, H, W] with w [oC, C, kH, kW] plus bias (may be null)
 * as pre (NCHW [B, oC, oH, oW], may be null) and act = ReLU(pre) (NCHW), which the backward pass reads.
 * ReLU as Java's Math.max(v, 0): NaN passes, −0 becomes 0. oC must be a multiple of 16.
 */
AVX2 static void forward(const float *x, const float *w, const float *bias, float *pre, float *act, int oc, int b0, int b1, const Geometry *g) {
    if (g->npos >= PLANES_FROM && g->k <= 64) {
        forwardPlanes(x, w, bias, pre, act, oc, b0, b1, g);
        return;
    }
    float *wt = aligned_alloc(64, sizeof(float) * g->k * oc), *pa = aligned_alloc(64, sizeof(float) * (MR * g->k16 + 16));
    int *off = g->kw > 8 ? offsets(g) : NULL;                     /* patch() reads it for kernels wider than 8 only */
    for (int q = 0; q < g->k; q++)
        for (int o = 0; o < oc; o++) wt[(long) q * oc + o] = w[(long) o * g->k + q];
    long end = (long) b1 * g->npos, np = g->npos;
    __m256 c[MR][2];
    float out[MR * NR];
    for (long m0 = (long) b0 * np; m0 < end; m0 += MR) {
        int rows = end - m0 < MR ? (int) (end - m0) : MR;
        long at[MR];                                               /* NCHW index of each row's channel 0 */
        for (int r = 0; r < MR; r++) {
            long row = m0 + (r < rows ? r : 0);
            at[r] = row / np * oc * np + row % np;
            patch(g, off, x + (row / np) * g->pix, (int) (row % np), pa + r * g->k16);
        }
        for (int n0 = 0; n0 < oc; n0 += NR) {
            tile6(pa, g->k16, 1, wt + n0, oc, g->k, c);
            for (int i = 0; i < MR; i++) {
                _mm256_storeu_ps(out + i * NR, c[i][0]);
                _mm256_storeu_ps(out + i * NR + 8, c[i][1]);
            }
            for (int j = 0; j < NR; j++) {
                float bj = bias ? bias[n0 + j] : 0.f;
                for (int r = 0; r < rows; r++) {
                    long idx = at[r] + (long) (n0 + j) * np;
                    float v = out[r * NR + j] + bj;
                    if (pre) pre[idx] = v;
                    act[idx] = v <= 0.f ? 0.f : v;
                }
            }
        }
    }
    free(wt);
    free(pa);
    free(off);
}

/* d[0..n) = the gradient at the convolution's output on a run of n elements: ReLU's gradient times eps, i.e. eps where
   act > 0 and 0 elsewhere (NaN included; act > 0 exactly where the pre-activation is > 0). A mask, not a branch: ReLU's
   sign pattern is random. */
AVX2 static void deltas(const float *act, const float *eps, float *d, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 keep = _mm256_cmp_ps(_mm256_loadu_ps(act + i), _mm256_setzero_ps(), _CMP_GT_OQ);
        _mm256_storeu_ps(d + i, _mm256_and_ps(keep, _mm256_loadu_ps(eps + i)));
    }
    for (; i < n; i++) {
        uint32_t e, keep = -(uint32_t) (act[i] > 0.f);
        memcpy(&e, eps + i, 4);
        e &= keep;
        memcpy(d + i, &e, 4);
    }
}

/* acc[i][0..16) (rows ld apart) += sum over r < rows of d[i * ldd + r] * p[r * ldp + 0..16), for R <= MR rows i */
static inline __attribute__((always_inline)) AVX2 void gradientTile(float *acc, int ld, const float *d, int ldd, const float *p, int ldp, int rows, const int R) {
    __m256 c[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        c[i][0] = _mm256_loadu_ps(acc + (long) i * ld);
        c[i][1] = _mm256_loadu_ps(acc + (long) i * ld + 8);
    }
    for (int r = 0; r < rows; r++, d++, p += ldp) {
        __m256 p0 = _mm256_loadu_ps(p), p1 = _mm256_loadu_ps(p + 8);
#pragma GCC unroll 6
        for (int i = 0; i < R; i++) {
            __m256 t = _mm256_broadcast_ss(d + (long) i * ldd);
            c[i][0] = _mm256_fmadd_ps(t, p0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(t, p1, c[i][1]);
        }
    }
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        _mm256_storeu_ps(acc + (long) i * ld, c[i][0]);
        _mm256_storeu_ps(acc + (long) i * ld + 8, c[i][1]);
    }
}

/* The sum of d[0..n) in double as four partial sums (lane j takes the elements j, j + 4, ...), then (s0 + s1) + (s2 + s3):
   one chain of adds would bound the pass. */
AVX2 static double sum4(const float *d, int n) {
    __m256d s = _mm256_setzero_pd();
    int r = 0;
    for (; r + 4 <= n; r += 4) s = _mm256_add_pd(s, _mm256_cvtps_pd(_mm_loadu_ps(d + r)));
    double t[4];
    _mm256_storeu_pd(t, s);
    for (; r < n; r++) t[r & 3] += d[r];
    return (t[0] + t[1]) + (t[2] + t[3]);
}

/*
 * dw [oC, k16] = the weight gradient from images [b0, b1) only (columns past C·kH·kW are zero): the sum over their
 * output positions, in row order, of the output gradient (deltas of act and eps) times the row's patch; and db[oC]
 * (double) the sum of the output gradients, the bias gradient of these images.
 */
AVX2 static void weightGradient(const float *x, const float *act, const float *eps, float *dw, double *dbias, int oc, int b0, int b1, const Geometry *g) {
    float *pb = aligned_alloc(64, sizeof(float) * (BLOCK * g->k16 + 16)), *db = aligned_alloc(64, sizeof(float) * BLOCK * oc);
    int *off = g->kw > 8 ? offsets(g) : NULL;
    long np = g->npos, end = (long) b1 * np;
    memset(dw, 0, sizeof(float) * oc * g->k16);
    for (int o = 0; o < oc; o++) dbias[o] = 0.0;
    for (long m0 = (long) b0 * np; m0 < end; m0 += BLOCK) {
        int rows = end - m0 < BLOCK ? (int) (end - m0) : BLOCK;
        for (int r = 0; r < rows; r++) {
            long row = m0 + r;
            patch(g, off, x + (row / np) * g->pix, (int) (row % np), pb + (long) r * g->k16);
        }
        for (int r = 0; r < rows;) {                               /* db[o][r]: runs of one image, contiguous in NCHW */
            long row = m0 + r, b = row / np, p = row % np, n = np - p < rows - r ? np - p : rows - r;
            for (int o = 0; o < oc; o++) deltas(act + (b * oc + o) * np + p, eps + (b * oc + o) * np + p, db + (long) o * BLOCK + r, (int) n);
            r += (int) n;
        }
        for (int o = 0; o < oc; o++) dbias[o] += sum4(db + (long) o * BLOCK, rows);
        for (int k0 = 0; k0 < g->k16; k0 += NR) {
            int o0 = 0;
            for (; o0 + MR <= oc; o0 += MR) gradientTile(dw + (long) o0 * g->k16 + k0, g->k16, db + (long) o0 * BLOCK, BLOCK, pb + k0, g->k16, rows, MR);
            for (; o0 + 4 <= oc; o0 += 4) gradientTile(dw + (long) o0 * g->k16 + k0, g->k16, db + (long) o0 * BLOCK, BLOCK, pb + k0, g->k16, rows, 4);
            for (; o0 + 2 <= oc; o0 += 2) gradientTile(dw + (long) o0 * g->k16 + k0, g->k16, db + (long) o0 * BLOCK, BLOCK, pb + k0, g->k16, rows, 2);
            for (; o0 < oc; o0++) gradientTile(dw + (long) o0 * g->k16 + k0, g->k16, db + (long) o0 * BLOCK, BLOCK, pb + k0, g->k16, rows, 1);
        }
    }
    free(pb);
    free(db);
    free(off);
}

/*
 * dx [B, C, H, W] for images [b0, b1) = the adjoint of the patches applied to deltaᵀ·w (the deltas of act and eps):
 * per image the patch gradients [P, k] (P = oH·oW) in a buffer, then added into the image's pixels, each pixel's
 * contributions in the order of the output positions.
 */
AVX2 static void inputGradient(const float *act, const float *eps, const float *w, float *dx, int oc, int b0, int b1, const Geometry *g) {
    int np = g->npos, rowsUp = (np + MR - 1) / MR * MR;
    float *wp = aligned_alloc(64, sizeof(float) * oc * g->k16), *db = aligned_alloc(64, sizeof(float) * rowsUp * oc);
    /* img: the image's gradient with SLACK floats on both sides, which the 8-float runs may touch (adding 0) */
    float *pg = aligned_alloc(64, sizeof(float) * (long) rowsUp * g->k16), *buf = malloc(sizeof(float) * (g->pix + 2 * SLACK)), *img = buf + SLACK;
    int runs = g->kw <= 8 && g->pw <= SLACK, narrow = g->kw <= 4, *off = runs ? NULL : offsets(g);
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long q = 0; off && q < (long) np * g->k; q++)
        if (off[q] < 0) off[q] = g->pix;
    for (int o = 0; o < oc; o++) {
        memcpy(wp + (long) o * g->k16, w + (long) o * g->k, sizeof(float) * g->k);
        for (int q = g->k; q < g->k16; q++) wp[(long) o * g->k16 + q] = 0.f;
    }
    memset(db, 0, sizeof(float) * rowsUp * oc);                /* db[o][r]; rows past P stay 0 */
    __m256 c[MR][2];
    for (int b = b0; b < b1; b++) {
        for (int o = 0; o < oc; o++) deltas(act + ((long) b * oc + o) * np, eps + ((long) b * oc + o) * np, db + (long) o * rowsUp, np);
        for (int k0 = 0; k0 < g->k16; k0 += NR)
            for (int r0 = 0; r0 < np; r0 += MR) {
                tile6(db + r0, 1, rowsUp, wp + k0, g->k16, oc, c);
                for (int i = 0; i < MR; i++) {
                    _mm256_storeu_ps(pg + (long) (r0 + i) * g->k16 + k0, c[i][0]);
                    _mm256_storeu_ps(pg + (long) (r0 + i) * g->k16 + k0 + 8, c[i][1]);
                }
            }
        memset(buf, 0, sizeof(float) * (g->pix + 2 * SLACK));
        for (int pos = 0; pos < np; pos++) {                  /* the adjoint of patch(), in the order of the positions */
            const float *s = pg + (long) pos * g->k16;
            if (runs) {                                        /* per kernel row: 8 pixels += the run, masked to kw */
                int oy = pos / g->ow, ox = pos % g->ow, iy0 = oy * g->sh - g->ph, ix0 = ox * g->sw - g->pw;
                __m256i ix = _mm256_add_epi32(lane, _mm256_set1_epi32(ix0));
                __m256i in = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(g->kw), lane),
                        _mm256_and_si256(_mm256_cmpgt_epi32(ix, _mm256_set1_epi32(-1)), _mm256_cmpgt_epi32(_mm256_set1_epi32(g->w), ix)));
                __m128i in4 = _mm256_castsi256_si128(in);
                for (int ci = 0; ci < g->c; ci++)
                    for (int ky = 0; ky < g->kh; ky++, s += g->kw) {
                        int iy = iy0 + ky;
                        if (iy < 0 || iy >= g->h) continue;
                        float *d = img + (long) (ci * g->h + iy) * g->w + ix0;
                        /* 4 lanes for kernels up to 4 wide: an 8-float window would overlap the next row's at widths
                           < 8, and a load that overlaps a pending store stalls (2x on the 3x3 layer's 7-wide rows) */
                        if (narrow) _mm_storeu_ps(d, _mm_add_ps(_mm_loadu_ps(d), _mm_maskload_ps(s, in4)));
                        else _mm256_storeu_ps(d, _mm256_add_ps(_mm256_loadu_ps(d), _mm256_maskload_ps(s, in)));
                    }
            } else {                                           /* by the table; padding entries add into img[pix] */
                const int *o = off + (long) pos * g->k;
                for (int q = 0; q < g->k; q++) img[o[q]] += s[q];
            }
        }
        memcpy(dx + (long) b * g->pix, img, sizeof(float) * g->pix);
    }
    free(wp);
    free(db);
    free(pg);
    free(buf);
    free(off);
}

#define GEOMETRY geometry(c, h, w, kh, kw, sh, sw, ph, pw, oh, ow)
#define PTR(a) ((float *) (intptr_t) (a))

JNIEXPORT void JNICALL Java_jepa_accel_conv_NativeConv2d_forward(JNIEnv *env, jclass cls, jlong x, jlong wt, jlong bias, jlong pre, jlong act, jint oc,
        jint b0, jint b1, jint c, jint h, jint w, jint kh, jint kw, jint sh, jint sw, jint ph, jint pw, jint oh, jint ow) {
    Geometry g = GEOMETRY;
    forward(PTR(x), PTR(wt), PTR(bias), PTR(pre), PTR(act), oc, b0, b1, &g);
}

JNIEXPORT void JNICALL Java_jepa_accel_conv_NativeConv2d_weightGradient(JNIEnv *env, jclass cls, jlong x, jlong act, jlong eps, jlong dw, jlong dbias,
        jint oc, jint b0, jint b1, jint c, jint h, jint w, jint kh, jint kw, jint sh, jint sw, jint ph, jint pw, jint oh, jint ow) {
    Geometry g = GEOMETRY;
    weightGradient(PTR(x), PTR(act), PTR(eps), PTR(dw), (double *) (intptr_t) dbias, oc, b0, b1, &g);
}

JNIEXPORT void JNICALL Java_jepa_accel_conv_NativeConv2d_inputGradient(JNIEnv *env, jclass cls, jlong act, jlong eps, jlong wt, jlong dx,
        jint oc, jint b0, jint b1, jint c, jint h, jint w, jint kh, jint kw, jint sh, jint sw, jint ph, jint pw, jint oh, jint ow) {
    Geometry g = GEOMETRY;
    inputGradient(PTR(act), PTR(eps), PTR(wt), PTR(dx), oc, b0, b1, &g);
}
