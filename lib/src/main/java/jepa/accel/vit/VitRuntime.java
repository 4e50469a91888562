package jepa.accel.vit;

import jepa.settings.AgentConfig;

/**
 * The project's own runtime of {@link jepa.nn.VisionTransformer} (the same network, parameter layout and
 * initialisation: the SameDiff graph is the gradient-checked reference, {@code VitRuntimeTest} holds the two
 * together): forward and backward written out, every matrix product one row-major cblas_sgemm on off-heap arrays
 * ({@link DirectFloats}), LayerNorm, softmax and GELU as Java loops, activations kept from the forward pass for the
 * backward pass. Float32 throughout.
 * <p>
 * Two savings over running the graph as written, neither changing the result: only s (the CLS token's output) is
 * used, so the last block computes its queries, attention output and MLP for the CLS row alone (keys and values for
 * all tokens), and the final LayerNorm sees only that row; and the input gradient is never formed (the frames are
 * data). The attention is one pair of small gemms per (sample, head), as PyTorch's batched matmul.
 */
public final class VitRuntime {
    private static final int FRAMES = 3;
    private static final float EPS = 1e-5f;

    private final int c, h, w, p, gh, gw, n, t, d, heads, dh, m, depth, patchLen;
    private final int oPatchW, oPatchB, oCls, oPos, oLnG, oLnB, size;
    private final int[] oLn1g, oLn1b, oWq, oWk, oWv, oWo, oLn2g, oLn2b, oW1, oB1, oW2, oB2;
    private final DirectFloats params, grads;
    /** Heap copies for the Java loops: the parameters, and the gradients the loops accumulate (gemms write into {@link #grads}). */
    private final float[] pw;
    private final double[] gv;

    private int capacity = -1, batch;
    private DirectFloats x0, xhatF, rstdF, s;
    private DirectFloats[] hs, xhat1, rstd1, a1, q, k, v, pr, o, h1, xhat2, rstd2, a2, g;
    private float[][] geluGrads;        // GELU's derivative at each pre-activation, kept from the forward pass
    private float[] s1, s2, s3, s4;     // scratch for the Java loops (bulk copies of rows × max(d, m))
    private DirectFloats dG, dA2, dH1, dO, dQ, dK, dV, dA1, dHa, dHb, dP;

    public VitRuntime(AgentConfig config, int channels, int height, int width) {
        this.c = channels;
        this.h = height;
        this.w = width;
        this.p = config.patchSize();
        if (h % p != 0 || w % p != 0) throw new IllegalArgumentException("frames " + w + "×" + h + " are not whole patches of " + p);
        this.gh = h / p;
        this.gw = w / p;
        this.n = FRAMES * gh * gw;
        this.t = n + 1;
        this.d = config.embedding();
        this.heads = config.heads();
        this.dh = d / heads;
        this.m = config.mlpWidth();
        this.depth = config.depth();
        this.patchLen = c * p * p;
        int o = 0;
        oPatchW = o; o += patchLen * d;
        oPatchB = o; o += d;
        oCls = o; o += d;
        oPos = o; o += t * d;
        oLn1g = new int[depth]; oLn1b = new int[depth]; oWq = new int[depth]; oWk = new int[depth]; oWv = new int[depth]; oWo = new int[depth];
        oLn2g = new int[depth]; oLn2b = new int[depth]; oW1 = new int[depth]; oB1 = new int[depth]; oW2 = new int[depth]; oB2 = new int[depth];
        for (int l = 0; l < depth; l++) {          // the order of VisionTransformer.variables
            oLn1g[l] = o; o += d;
            oLn1b[l] = o; o += d;
            oWq[l] = o; o += d * d;
            oWk[l] = o; o += d * d;
            oWv[l] = o; o += d * d;
            oWo[l] = o; o += d * d;
            oLn2g[l] = o; o += d;
            oLn2b[l] = o; o += d;
            oW1[l] = o; o += d * m;
            oB1[l] = o; o += m;
            oW2[l] = o; o += m * d;
            oB2[l] = o; o += d;
        }
        oLnG = o; o += d;
        oLnB = o; o += d;
        this.size = o;
        this.params = new DirectFloats(size);
        this.grads = new DirectFloats(size);
        this.pw = new float[size];
        this.gv = new double[size];
    }

    /** Parameters, in the order of {@code VisionTransformer.variables("")}. */
    public int size() { return size; }

    /** Input floats per sample: three frames of channels × height × width. */
    public int inputSize() { return FRAMES * c * h * w; }

    public int embedding() { return d; }

    public void setParams(double[] theta) {
        if (theta.length != size) throw new IllegalArgumentException("expected " + size + " parameters, got " + theta.length);
        for (int i = 0; i < size; i++) {
            pw[i] = (float) theta[i];
            params.put(i, pw[i]);
        }
    }

    /** Rows a block's queries (and its output) have per sample: the last block's is the CLS token alone. */
    private int queries(int l) { return l == depth - 1 ? 1 : t; }

    private void ensure(int b) {
        if (b <= capacity) return;
        capacity = b;
        int rows = b * t;
        x0 = new DirectFloats(b * n * patchLen);
        hs = new DirectFloats[depth + 1];
        for (int l = 0; l <= depth; l++) hs[l] = new DirectFloats(rows * d);
        xhat1 = arrays(rows * d); rstd1 = arrays(rows); a1 = arrays(rows * d);
        q = arrays(rows * d); k = arrays(rows * d); v = arrays(rows * d);
        pr = arrays(b * heads * t * t); o = arrays(rows * d); h1 = arrays(rows * d);
        xhat2 = arrays(rows * d); rstd2 = arrays(rows); a2 = arrays(rows * d);
        g = arrays(rows * m);
        geluGrads = new float[depth][rows * m];
        s1 = new float[rows * Math.max(d, m)];
        s2 = new float[rows * Math.max(d, m)];
        s3 = new float[rows * Math.max(d, m)];
        s4 = new float[Math.max(rows, t * t)];
        xhatF = new DirectFloats(b * d); rstdF = new DirectFloats(b); s = new DirectFloats(b * d);
        dG = new DirectFloats(rows * m); dA2 = new DirectFloats(rows * d); dH1 = new DirectFloats(rows * d); dO = new DirectFloats(rows * d);
        dQ = new DirectFloats(rows * d); dK = new DirectFloats(rows * d); dV = new DirectFloats(rows * d); dA1 = new DirectFloats(rows * d);
        dHa = new DirectFloats(rows * d); dHb = new DirectFloats(rows * d); dP = new DirectFloats(t * t);
    }

    private DirectFloats[] arrays(int len) {
        DirectFloats[] a = new DirectFloats[depth];
        for (int l = 0; l < depth; l++) a[l] = new DirectFloats(len);
        return a;
    }

    /**
     * s [b, embedding] of b inputs (x: b × {@link #inputSize}, values as the frames' floats); the activations are
     * kept for {@link #backward}.
     */
    public double[] forward(float[] x, int b) {
        ensure(b);
        batch = b;
        embed(x, b);
        for (int l = 0; l < depth; l++) block(l, b);
        // final LayerNorm of the CLS rows (the last block's output has one row per sample)
        layerNorm(hs[depth], 0, d, b, oLnG, oLnB, xhatF, rstdF, s);
        double[] out = new double[b * d];
        for (int i = 0; i < out.length; i++) out[i] = s.get(i);
        return out;
    }

    private void embed(float[] x, int b) {
        // patches: row (sample, frame, i, j), columns (channel, y, x) — the graph's reshape and permute
        int plane = h * w, r = 0;
        for (int bi = 0; bi < b; bi++)
            for (int f = 0; f < FRAMES; f++)
                for (int i = 0; i < gh; i++)
                    for (int j = 0; j < gw; j++, r++) {
                        int col = r * patchLen;
                        for (int ch = 0; ch < c; ch++) {
                            int base = ((bi * FRAMES + f) * c + ch) * plane;
                            for (int yy = 0; yy < p; yy++) {
                                int src = base + (i * p + yy) * w + j * p;
                                for (int xx = 0; xx < p; xx++) x0.put(col++, x[src + xx]);
                            }
                        }
                    }
        DirectFloats h0 = hs[0];
        for (int bi = 0; bi < b; bi++)
            DirectFloats.gemm(false, false, n, d, patchLen, 1f, x0, bi * n * patchLen, patchLen, params, oPatchW, d, 0f, h0, (bi * t + 1) * d, d);
        for (int bi = 0; bi < b; bi++) {
            for (int j = 0; j < d; j++) h0.put(bi * t * d + j, pw[oCls + j] + pw[oPos + j]);
            for (int tok = 1; tok < t; tok++) {
                int row = (bi * t + tok) * d;
                for (int j = 0; j < d; j++) h0.put(row + j, h0.get(row + j) + pw[oPatchB + j] + pw[oPos + tok * d + j]);
            }
        }
    }

    private void block(int l, int b) {
        int tq = queries(l), rows = b * t, qRows = b * tq, lda = tq == t ? d : t * d;
        DirectFloats in = hs[l], out = hs[l + 1];
        layerNorm(in, 0, d, rows, oLn1g[l], oLn1b[l], xhat1[l], rstd1[l], a1[l]);
        // projections: W [out, in] row-major, so Q = A·Wᵀ; the last block's queries read every t-th row (lda = t·d)
        DirectFloats.gemm(false, true, qRows, d, d, 1f, a1[l], 0, lda, params, oWq[l], d, 0f, q[l], 0, d);
        DirectFloats.gemm(false, true, rows, d, d, 1f, a1[l], 0, d, params, oWk[l], d, 0f, k[l], 0, d);
        DirectFloats.gemm(false, true, rows, d, d, 1f, a1[l], 0, d, params, oWv[l], d, 0f, v[l], 0, d);
        float scale = (float) (1 / Math.sqrt(dh));
        float[] buf = new float[tq * t];
        for (int bi = 0; bi < b; bi++)
            for (int hd = 0; hd < heads; hd++) {
                int pOff = (bi * heads + hd) * tq * t, qOff = bi * tq * d + hd * dh, kvOff = bi * t * d + hd * dh;
                DirectFloats.gemm(false, true, tq, t, dh, scale, q[l], qOff, d, k[l], kvOff, d, 0f, pr[l], pOff, t);
                softmaxRows(pr[l], pOff, tq, t, buf);
                DirectFloats.gemm(false, false, tq, dh, t, 1f, pr[l], pOff, t, v[l], kvOff, d, 0f, o[l], qOff, d);
            }
        DirectFloats.gemm(false, false, qRows, d, d, 1f, o[l], 0, d, params, oWo[l], d, 0f, h1[l], 0, d);
        for (int r = 0; r < qRows; r++) {
            int src = queryRow(r, tq) * d, dst = r * d;
            for (int j = 0; j < d; j++) h1[l].put(dst + j, h1[l].get(dst + j) + in.get(src + j));
        }
        layerNorm(h1[l], 0, d, qRows, oLn2g[l], oLn2b[l], xhat2[l], rstd2[l], a2[l]);
        DirectFloats.gemm(false, false, qRows, m, d, 1f, a2[l], 0, d, params, oW1[l], m, 0f, g[l], 0, m);
        float[] z = s1, gd = geluGrads[l];
        g[l].f.get(0, z, 0, qRows * m);
        for (int r = 0; r < qRows; r++)
            for (int j = 0; j < m; j++) {
                int i = r * m + j;
                double x = z[i] + pw[oB1[l] + j], cdf = 0.5 * (1 + erf(x * SQRT_HALF));
                z[i] = (float) (x * cdf);
                gd[i] = (float) (cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
            }
        g[l].f.put(0, z, 0, qRows * m);
        DirectFloats.gemm(false, false, qRows, d, m, 1f, g[l], 0, m, params, oW2[l], d, 0f, out, 0, d);
        for (int r = 0; r < qRows; r++)
            for (int j = 0; j < d; j++) {
                int i = r * d + j;
                out.put(i, out.get(i) + pw[oB2[l] + j] + h1[l].get(i));
            }
    }

    /** The block-input row of query row r (r = sample·tq + token). */
    private int queryRow(int r, int tq) { return tq == t ? r : r * t; }

    /**
     * Accumulates nothing across calls: returns ∂L/∂θ (flat, the parameter order) for ∂L/∂s [batch, embedding] of the
     * last {@link #forward}.
     */
    public double[] backward(double[] dS) {
        int b = batch;
        if (dS.length != b * d) throw new IllegalArgumentException("expected " + b * d + " values of dL/ds, got " + dS.length);
        grads.zero(size);
        java.util.Arrays.fill(gv, 0);
        DirectFloats dOut = dHa;
        for (int i = 0; i < b * d; i++) dA2.put(i, (float) dS[i]);
        dOut.zero(b * d);
        layerNormBackward(dA2, xhatF, rstdF, b, oLnG, oLnB, dOut);
        for (int l = depth - 1; l >= 0; l--) {
            DirectFloats dIn = dOut == dHa ? dHb : dHa;
            blockBackward(l, b, dOut, dIn);
            dOut = dIn;
        }
        // embedding: positions, CLS token, patch projection (no input gradient: the frames are data)
        for (int bi = 0; bi < b; bi++) {
            for (int j = 0; j < d; j++) gv[oCls + j] += dOut.get(bi * t * d + j);
            for (int tok = 0; tok < t; tok++) {
                int row = (bi * t + tok) * d;
                for (int j = 0; j < d; j++) {
                    float x = dOut.get(row + j);
                    gv[oPos + tok * d + j] += x;
                    if (tok > 0) gv[oPatchB + j] += x;
                }
            }
            DirectFloats.gemm(true, false, patchLen, d, n, 1f, x0, bi * n * patchLen, patchLen, dOut, (bi * t + 1) * d, d, 1f, grads, oPatchW, d);
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) out[i] = grads.get(i) + gv[i];
        return out;
    }

    /** dOut: ∂L/∂(block output) [b·tq, d]; writes ∂L/∂(block input) [b·t, d] into dIn. */
    private void blockBackward(int l, int b, DirectFloats dOut, DirectFloats dIn) {
        int tq = queries(l), rows = b * t, qRows = b * tq, lda = tq == t ? d : t * d;
        // MLP: out = h1 + gelu(a2·W1 + b1)·W2 + b2
        DirectFloats.gemm(false, true, qRows, m, d, 1f, dOut, 0, d, params, oW2[l], d, 0f, dG, 0, m);
        DirectFloats.gemm(true, false, m, d, qRows, 1f, g[l], 0, m, dOut, 0, d, 1f, grads, oW2[l], d);
        for (int r = 0; r < qRows; r++)
            for (int j = 0; j < d; j++) gv[oB2[l] + j] += dOut.get(r * d + j);
        float[] du = s1, gd = geluGrads[l];
        dG.f.get(0, du, 0, qRows * m);
        for (int r = 0; r < qRows; r++)
            for (int j = 0; j < m; j++) {
                int i = r * m + j;
                du[i] *= gd[i];
                gv[oB1[l] + j] += du[i];
            }
        dG.f.put(0, du, 0, qRows * m);
        DirectFloats.gemm(true, false, d, m, qRows, 1f, a2[l], 0, d, dG, 0, m, 1f, grads, oW1[l], m);
        DirectFloats.gemm(false, true, qRows, d, m, 1f, dG, 0, m, params, oW1[l], m, 0f, dA2, 0, d);
        for (int i = 0; i < qRows * d; i++) dH1.put(i, dOut.get(i));
        layerNormBackward(dA2, xhat2[l], rstd2[l], qRows, oLn2g[l], oLn2b[l], dH1);
        // attention: h1 = in[queries] + o·Wo
        DirectFloats.gemm(true, false, d, d, qRows, 1f, o[l], 0, d, dH1, 0, d, 1f, grads, oWo[l], d);
        DirectFloats.gemm(false, true, qRows, d, d, 1f, dH1, 0, d, params, oWo[l], d, 0f, dO, 0, d);
        dIn.zero(rows * d);
        for (int r = 0; r < qRows; r++) {
            int dst = queryRow(r, tq) * d, src = r * d;
            for (int j = 0; j < d; j++) dIn.put(dst + j, dH1.get(src + j));
        }
        float scale = (float) (1 / Math.sqrt(dh));
        float[] dps = new float[tq * t], ps = new float[tq * t];
        for (int bi = 0; bi < b; bi++)
            for (int hd = 0; hd < heads; hd++) {
                int pOff = (bi * heads + hd) * tq * t, qOff = bi * tq * d + hd * dh, kvOff = bi * t * d + hd * dh;
                DirectFloats.gemm(false, true, tq, t, dh, 1f, dO, qOff, d, v[l], kvOff, d, 0f, dP, 0, t);
                DirectFloats.gemm(true, false, t, dh, tq, 1f, pr[l], pOff, t, dO, qOff, d, 0f, dV, kvOff, d);
                dP.f.get(0, dps, 0, tq * t);
                pr[l].f.get(pOff, ps, 0, tq * t);
                for (int r = 0; r < tq; r++) {          // softmax: dS = P ⊙ (dP − Σ dP⊙P)
                    double dot = 0;
                    for (int j = 0; j < t; j++) dot += dps[r * t + j] * ps[r * t + j];
                    for (int j = 0; j < t; j++) {
                        int i = r * t + j;
                        dps[i] = (float) (ps[i] * (dps[i] - dot));
                    }
                }
                dP.f.put(0, dps, 0, tq * t);
                DirectFloats.gemm(false, false, tq, dh, t, scale, dP, 0, t, k[l], kvOff, d, 0f, dQ, qOff, d);
                DirectFloats.gemm(true, false, t, dh, tq, scale, dP, 0, t, q[l], qOff, d, 0f, dK, kvOff, d);
            }
        DirectFloats.gemm(true, false, d, d, qRows, 1f, dQ, 0, d, a1[l], 0, lda, 1f, grads, oWq[l], d);
        DirectFloats.gemm(true, false, d, d, rows, 1f, dK, 0, d, a1[l], 0, d, 1f, grads, oWk[l], d);
        DirectFloats.gemm(true, false, d, d, rows, 1f, dV, 0, d, a1[l], 0, d, 1f, grads, oWv[l], d);
        DirectFloats.gemm(false, false, rows, d, d, 1f, dK, 0, d, params, oWk[l], d, 0f, dA1, 0, d);
        DirectFloats.gemm(false, false, rows, d, d, 1f, dV, 0, d, params, oWv[l], d, 1f, dA1, 0, d);
        DirectFloats.gemm(false, false, qRows, d, d, 1f, dQ, 0, d, params, oWq[l], d, 1f, dA1, 0, lda);
        layerNormBackward(dA1, xhat1[l], rstd1[l], rows, oLn1g[l], oLn1b[l], dIn);
    }

    /** y = (x − μ)/√(σ² + ε)·gain + bias per row of x [rows, d] from element offset; keeps x̂ and 1/√(σ² + ε). */
    private void layerNorm(DirectFloats x, int off, int ld, int rows, int oGain, int oBias, DirectFloats xhat, DirectFloats rstd, DirectFloats y) {
        float[] row = new float[d], xh = s1, out = s2, rs = s4;
        for (int r = 0; r < rows; r++) {
            x.f.get(off + r * ld, row, 0, d);
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += row[j];
            mean /= d;
            for (int j = 0; j < d; j++) {
                double z = row[j] - mean;
                var += z * z;
            }
            float inv = (float) (1 / Math.sqrt(var / d + EPS));
            rs[r] = inv;
            for (int j = 0; j < d; j++) {
                float v = (float) ((row[j] - mean) * inv);
                xh[r * d + j] = v;
                out[r * d + j] = v * pw[oGain + j] + pw[oBias + j];
            }
        }
        xhat.f.put(0, xh, 0, rows * d);
        rstd.f.put(0, rs, 0, rows);
        y.f.put(0, out, 0, rows * d);
    }

    /** Adds ∂L/∂x to dx given ∂L/∂y (dy) of a {@link #layerNorm}; accumulates the gain's and bias's gradients. */
    private void layerNormBackward(DirectFloats dy, DirectFloats xhat, DirectFloats rstd, int rows, int oGain, int oBias, DirectFloats dx) {
        int len = rows * d;
        float[] gy = s1, xh = s2, out = s3, gx = new float[d];
        dy.f.get(0, gy, 0, len);
        xhat.f.get(0, xh, 0, len);
        dx.f.get(0, out, 0, len);
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            double meanG = 0, meanGx = 0;
            for (int j = 0; j < d; j++) {
                float y = gy[base + j], h = xh[base + j];
                gv[oGain + j] += y * h;
                gv[oBias + j] += y;
                gx[j] = y * pw[oGain + j];
                meanG += gx[j];
                meanGx += gx[j] * h;
            }
            meanG /= d;
            meanGx /= d;
            float inv = rstd.get(r);
            for (int j = 0; j < d; j++) out[base + j] += (float) (inv * (gx[j] - meanG - xh[base + j] * meanGx));
        }
        dx.f.put(0, out, 0, len);
    }

    private static void softmaxRows(DirectFloats a, int off, int rows, int cols, float[] buf) {
        a.f.get(off, buf, 0, rows * cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, buf[base + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(buf[base + j] - max);
                buf[base + j] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int j = 0; j < cols; j++) buf[base + j] *= inv;
        }
        a.f.put(off, buf, 0, rows * cols);
    }

    private static final double SQRT_HALF = Math.sqrt(0.5), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** The exact GELU, x·Φ(x). */
    static float gelu(float x) { return (float) (0.5 * x * (1 + erf(x * SQRT_HALF))); }

    /** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
    static float geluGrad(float x) { return (float) (0.5 * (1 + erf(x * SQRT_HALF)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)); }

    /** erf to ~1e-7 (Abramowitz & Stegun 7.1.26 is 1.5e-7; this is Numerical Recipes' erfc Chebyshev fit, 1.2e-7 relative). */
    public static double erf(double x) {
        double z = Math.abs(x), tt = 1 / (1 + 0.5 * z);
        double r = tt * Math.exp(-z * z - 1.26551223 + tt * (1.00002368 + tt * (0.37409196 + tt * (0.09678418 + tt * (-0.18628806
                + tt * (0.27886807 + tt * (-1.13520398 + tt * (1.48851587 + tt * (-0.82215223 + tt * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
