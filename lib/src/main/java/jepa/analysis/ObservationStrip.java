package jepa.analysis;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fig. 2's right column: observations beside the decoder's outputs, as an RGB PNG — one row of pairs (observation,
 * reconstruction), a GAP-pixel black border. Observations are shown as they are ([−1, 1] → 0..255); each
 * reconstruction is min-max scaled per image over its three channels ("normalized for better contrast", as the paper).
 */
public final class ObservationStrip {
    public static final int GAP = 2;

    private ObservationStrip() {}

    /** observations, decoded: [n, 3, S, S] in [−1, 1] units. */
    public static void write(INDArray observations, INDArray decoded, Path png) {
        if (!java.util.Arrays.equals(observations.shape(), decoded.shape()) || observations.rank() != 4 || observations.size(1) != 3)
            throw new IllegalArgumentException("observations and decoded must both be [n, 3, S, S], got "
                    + java.util.Arrays.toString(observations.shape()) + " and " + java.util.Arrays.toString(decoded.shape()));
        int n = (int) observations.size(0), s = (int) observations.size(2);
        BufferedImage img = new BufferedImage(2 * n * s + (2 * n + 1) * GAP, s + 2 * GAP, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            paint(img, observations.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)), GAP + 2 * i * (s + GAP), -1, 1);
            INDArray d = decoded.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
            double lo = d.minNumber().doubleValue(), hi = d.maxNumber().doubleValue();
            paint(img, d, GAP + (2 * i + 1) * (s + GAP), lo, hi > lo ? hi : lo + 1);
        }
        try {
            if (png.getParent() != null) Files.createDirectories(png.getParent());
            if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** x [3, S, S] at column x0, values lo..hi → 0..255. */
    private static void paint(BufferedImage img, INDArray x, int x0, double lo, double hi) {
        double[] v = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int s = (int) x.size(1), plane = s * s;
        for (int y = 0; y < s; y++)
            for (int c = 0; c < s; c++) {
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    int b = (int) Math.round(255 * (v[ch * plane + y * s + c] - lo) / (hi - lo));
                    rgb = (rgb << 8) | Math.max(0, Math.min(255, b));
                }
                img.setRGB(x0 + c, GAP + y, rgb);
            }
    }
}
