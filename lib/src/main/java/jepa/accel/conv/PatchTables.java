package jepa.accel.conv;

import jepa.accel.ParallelLoops;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Float im2col / col2im for NCHW convolutions as table lookups, parallel over the images ({@link ParallelLoops}).
 * <p>
 * Why: the patch matrix of MeNet5's second convolution is 170 MB per step at w = 2 and the straightforward loop
 * (bounds tests per element) ran at ~4.5 ns per element. The geometry is fixed per layer, so the source pixel of every
 * patch element is computed once ({@link #of}): im2col is then a gather, col2im a gather-sum per pixel.
 * <p>
 * Layouts (DL4J's): image [C, H, W]; patch row per output position (oy, ox), columns (c, ky, kx).
 * col2im sums each pixel's contributions in ascending (ky, kx) from 0, the order of libnd4j's col2im loop
 * (c, ky, kx, oy, ox), so its float results are bit-identical to libnd4j's.
 */
final class PatchTables {
    private record Geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {}

    private static final Map<Geometry, PatchTables> CACHE = new ConcurrentHashMap<>();

    private final int img, per;
    /** Per patch element (oy, ox, c, ky, kx): its pixel in the image, or img (a zero past the image) in the padding. */
    private final int[] source;
    /** Per pixel p: its patch elements are sink[start[p] .. start[p+1]), in ascending (ky, kx). */
    private final int[] start, sink;

    private PatchTables(Geometry g) {
        img = g.c * g.h * g.w;
        int kk = g.c * g.kh * g.kw;
        per = g.oh * g.ow * kk;
        source = new int[per];
        int[] count = new int[img + 1];
        int o = 0;
        for (int oy = 0; oy < g.oh; oy++)
            for (int ox = 0; ox < g.ow; ox++)
                for (int ci = 0; ci < g.c; ci++)
                    for (int ky = 0; ky < g.kh; ky++)
                        for (int kx = 0; kx < g.kw; kx++) {
                            int iy = oy * g.sh - g.ph + ky, ix = ox * g.sw - g.pw + kx;
                            boolean in = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                            int px = in ? (ci * g.h + iy) * g.w + ix : img;
                            source[o++] = px;
                            if (in) count[px + 1]++;
                        }
        start = new int[img + 1];
        for (int p = 0; p < img; p++) start[p + 1] = start[p] + count[p + 1];
        sink = new int[start[img]];
        int[] fill = new int[img];
        // libnd4j's order per pixel: ascending kernel offset (ky, kx); (oy, ox) is then determined
        for (int ci = 0; ci < g.c; ci++)
            for (int ky = 0; ky < g.kh; ky++)
                for (int kx = 0; kx < g.kw; kx++)
                    for (int oy = 0; oy < g.oh; oy++)
                        for (int ox = 0; ox < g.ow; ox++) {
                            int iy = oy * g.sh - g.ph + ky, ix = ox * g.sw - g.pw + kx;
                            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                            int px = (ci * g.h + iy) * g.w + ix;
                            sink[start[px] + fill[px]++] = (oy * g.ow + ox) * kk + (ci * g.kh + ky) * g.kw + kx;
                        }
    }

    static PatchTables of(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        return CACHE.computeIfAbsent(new Geometry(c, h, w, kh, kw, sh, sw, ph, pw, oh, ow), PatchTables::new);
    }

    /** cols [B, oH·oW·C·kH·kW] (c-order, dense) ← the patches of x [B, C, H, W] (c-order, dense), float. */
    void im2col(INDArray x, INDArray cols, int images) {
        check(x, cols);
        FloatPointer src = new FloatPointer(x.data().addressPointer()), dst = new FloatPointer(cols.data().addressPointer());
        ParallelLoops.forRange(images, (from, to) -> {
            float[] a = new float[img + 1], y = new float[per];                   // a[img] stays 0: the padding
            FloatPointer s = new FloatPointer(src), d = new FloatPointer(dst);   // own positions per thread
            for (int b = from; b < to; b++) {
                s.position((long) b * img).get(a, 0, img);
                for (int j = 0; j < per; j++) y[j] = a[source[j]];               // branch-free gather
                d.position((long) b * per).put(y, 0, per);
            }
        });
    }

    /** out [B, C, H, W] (c-order, dense) = the adjoint of im2col applied to cols, float. */
    void col2im(INDArray cols, INDArray out, int images) {
        check(out, cols);
        FloatPointer src = new FloatPointer(cols.data().addressPointer()), dst = new FloatPointer(out.data().addressPointer());
        ParallelLoops.forRange(images, (from, to) -> {
            float[] y = new float[per], a = new float[img];
            FloatPointer s = new FloatPointer(src), d = new FloatPointer(dst);
            for (int b = from; b < to; b++) {
                s.position((long) b * per).get(y, 0, per);
                for (int p = 0; p < img; p++) {
                    float sum = 0f;
                    for (int q = start[p], e = start[p + 1]; q < e; q++) sum += y[sink[q]];
                    a[p] = sum;
                }
                d.position((long) b * img).put(a, 0, img);
            }
        });
    }

    private void check(INDArray image, INDArray cols) {
        if (image.dataType() != DataType.FLOAT || cols.dataType() != DataType.FLOAT)
            throw new IllegalArgumentException("PatchTables is float only: " + image.dataType() + ", " + cols.dataType());
        if (image.length() != image.size(0) * img || cols.length() != image.size(0) * per)
            throw new IllegalArgumentException("shapes do not match the patch geometry: " + image.shapeInfoToString() + ", " + cols.shapeInfoToString());
    }
}
