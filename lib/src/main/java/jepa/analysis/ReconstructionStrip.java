package jepa.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A grayscale PNG comparing input frames with their reconstructions: per sequence one row of the T input frames and
 * below it one row of the T decoded frames; each row min-max scaled to 0..255 on its own (so a decoder with a
 * different range still shows its structure), channels summed, a GAP-pixel black border between frames and rows.
 */
public final class ReconstructionStrip {
    public static final int GAP = 2;

    private ReconstructionStrip() {}

    public static int width(int frames, int size) { return frames * size + (frames + 1) * GAP; }

    public static int height(int sequences, int size) { return 2 * sequences * size + (2 * sequences + 1) * GAP; }

    /** inputs, decoded: [B, C, T, H, W] (same shape); writes the first min(rows, B) sequences. */
    public static void write(INDArray inputs, INDArray decoded, int rows, Path png) {
        if (!java.util.Arrays.equals(inputs.shape(), decoded.shape()) || inputs.rank() != 5)
            throw new IllegalArgumentException("inputs and decoded must both be [B, C, T, H, W], got "
                    + java.util.Arrays.toString(inputs.shape()) + " and " + java.util.Arrays.toString(decoded.shape()));
        int n = (int) Math.min(rows, inputs.size(0)), t = (int) inputs.size(2), h = (int) inputs.size(3), w = (int) inputs.size(4);
        if (h != w) throw new IllegalArgumentException("square frames expected, got " + h + "x" + w);
        BufferedImage img = new BufferedImage(width(t, h), height(n, h), BufferedImage.TYPE_BYTE_GRAY);
        for (int s = 0; s < n; s++) {
            paintRow(img, frames(inputs, s), 2 * s, h);
            paintRow(img, frames(decoded, s), 2 * s + 1, h);
        }
        try {
            if (png.getParent() != null) Files.createDirectories(png.getParent());
            if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sequence s, channels summed: [T][H][W]. */
    private static double[][][] frames(INDArray x, int s) {
        INDArray seq = x.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                .sum(0).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);     // [T, H, W]
        int t = (int) seq.size(0), h = (int) seq.size(1), w = (int) seq.size(2);
        double[][][] out = new double[t][h][w];
        for (int k = 0; k < t; k++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) out[k][i][j] = seq.getDouble(k, i, j);
        return out;
    }

    private static void paintRow(BufferedImage img, double[][][] f, int row, int size) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[][] a : f) for (double[] r : a) for (double v : r) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        double range = hi > lo ? hi - lo : 1;
        int y0 = GAP + row * (size + GAP);
        for (int k = 0; k < f.length; k++) {
            int x0 = GAP + k * (size + GAP);
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++) {
                    int g = (int) Math.round(255 * (f[k][i][j] - lo) / range);
                    img.getRaster().setSample(x0 + j, y0 + i, 0, Math.max(0, Math.min(255, g)));
                }
        }
    }
}
