package jepa.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's bilinear resize with align_corners = False and no antialiasing (the RSSM decoder's 54×54 → 28×28,
 * reference §2.5): source coordinate s = (d + ½)·in/out − ½, clamped at 0; neighbours ⌊s⌋ and min(⌊s⌋+1, in−1);
 * weight s − ⌊s⌋. Separable, so in SameDiff it is two matmuls with a fixed [out, in] interpolation matrix per axis:
 * exact and differentiable (no reliance on libnd4j's resize_bilinear and its gradient).
 */
public final class BilinearResize {
    private BilinearResize() {}

    /** The [out, in] interpolation matrix of one axis. */
    public static double[][] matrix(int in, int out) {
        double[][] m = new double[out][in];
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double s = Math.max(0, (d + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(s), in - 1), i1 = Math.min(i0 + 1, in - 1);
            double l = s - i0;
            m[d][i0] += 1 - l;
            m[d][i1] += l;
        }
        return m;
    }

    /** Plain-Java PyTorch formula on one [in][in] image (the reference the SameDiff version is tested against). */
    public static double[][] resize(double[][] x, int out) {
        int inH = x.length, inW = x[0].length;
        double[][] y = new double[out][out];
        double sh = (double) inH / out, sw = (double) inW / out;
        for (int i = 0; i < out; i++) {
            double h = Math.max(0, (i + 0.5) * sh - 0.5);
            int h0 = (int) h, h1 = Math.min(h0 + 1, inH - 1);
            double lh = h - h0;
            for (int j = 0; j < out; j++) {
                double w = Math.max(0, (j + 0.5) * sw - 0.5);
                int w0 = (int) w, w1 = Math.min(w0 + 1, inW - 1);
                double lw = w - w0;
                y[i][j] = (1 - lh) * ((1 - lw) * x[h0][w0] + lw * x[h0][w1]) + lh * ((1 - lw) * x[h1][w0] + lw * x[h1][w1]);
            }
        }
        return y;
    }

    /** x [N, in, in] → [N, out, out] in SameDiff (square images). */
    public static SDVariable apply(SameDiff sd, SDVariable x, int in, int out) {
        INDArray mt = Nd4j.createFromArray(matrix(in, out)).transpose().dup('c').castTo(x.dataType());   // [in, out]
        SDVariable r = sd.constant(mt);
        SDVariable cols = x.reshape(-1, in).mmul(r).reshape(-1, in, out);          // [N, in(h), out(w)]
        SDVariable t = cols.permute(0, 2, 1).reshape(-1, in).mmul(r);               // [N·out(w), out(h)]
        return t.reshape(-1, out, out).permute(0, 2, 1);                            // [N, out(h), out(w)]
    }

    /** Plain ND4J (no graph): x [N, in, in] → [N, out, out]; for decoding reconstructions outside training. */
    public static INDArray apply(INDArray x, int in, int out) {
        INDArray mt = Nd4j.createFromArray(matrix(in, out)).transpose().dup('c').castTo(x.dataType());
        INDArray cols = x.dup('c').reshape('c', -1, in).mmul(mt).reshape('c', -1, in, out);
        INDArray t = cols.permute(0, 2, 1).dup('c').reshape('c', -1, in).mmul(mt);
        return t.reshape('c', -1, out, out).permute(0, 2, 1).dup('c');
    }
}
