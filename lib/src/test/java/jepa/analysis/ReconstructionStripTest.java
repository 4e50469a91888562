package jepa.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReconstructionStripTest {
    @TempDir Path dir;

    @Test
    void writesTwoRowsPerSequenceMinMaxScaled() throws Exception {
        INDArray in = Nd4j.zeros(DataType.FLOAT, 5, 1, 17, 28, 28);
        in.putScalar(new long[]{0, 0, 3, 10, 12}, 7.0);                  // one bright pixel, sequence 0, frame 3
        INDArray dec = Nd4j.ones(DataType.FLOAT, 5, 1, 17, 28, 28).muli(-2);
        dec.putScalar(new long[]{1, 0, 0, 0, 0}, 5.0);
        Path png = dir.resolve("sub/strip.png");
        ReconstructionStrip.write(in, dec, 3, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(17 * 28 + 18 * 2, img.getWidth());
        assertEquals(ReconstructionStrip.width(17, 28), img.getWidth());
        assertEquals(6 * 28 + 7 * 2, img.getHeight(), "3 sequences x (input, decoded)");
        int g = ReconstructionStrip.GAP;
        assertEquals(255, img.getRaster().getSample(g + 3 * (28 + g) + 12, g + 10, 0), "row max -> 255");
        assertEquals(0, img.getRaster().getSample(g + 3 * (28 + g) + 13, g + 10, 0), "row min -> 0");
        int decRow1 = g + 3 * (28 + g);                                    // sequence 1's decoded row is row 3
        assertEquals(255, img.getRaster().getSample(g, decRow1, 0));
        assertEquals(0, img.getRaster().getSample(g + 1, decRow1, 0));
    }
}
