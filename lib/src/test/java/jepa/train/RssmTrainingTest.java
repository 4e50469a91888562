package jepa.train;

import jepa.data.Batch;

import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.method.Rssm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RSSM through the single-node Trainer on real moving-dot batches (w = 1, D = 8, B = 4): the loss falls, a finished
 * run resumes to more epochs with its clipping listener back on, the belief rollout of a loaded model is
 * repeatable (same seed → same draws) yet stochastic across calls, and the PNG strip has the right size.
 */
class RssmTrainingTest {
    @TempDir Path dir;

    static final String[] TINY = {"method.name=rssm", "method.width=1", "method.embedding=8", "train.batch-size=4",
            "train.log-every=1", "noise.alpha=0.5", "method.rssm.learning-rate=0.003", "train.warmup-epochs=0"};

    private static Trainer trainer(TinyWorld data, Path dir) { return TrainerTest.trainer(data, dir); }

    private static List<Double> losses(Path dir) throws Exception { return TrainerTest.losses(dir); }

    @Test
    void trainsResumesRollsOutRepeatablyAndWritesAStrip() throws Exception {
        List<String> o = new ArrayList<>(List.of(TINY));
        o.add("train.epochs=3");
        TinyWorld data = new TinyWorld(8, 4, o.toArray(String[]::new));
        Trainer.Outcome out = trainer(data, dir).run(data);
        assertTrue(out.finished(), out.reason());
        List<Double> l = losses(dir);
        assertEquals(6, l.size());
        System.out.println("rssm losses " + l);
        assertTrue((l.get(4) + l.get(5)) / 2 < (l.get(0) + l.get(1)) / 2, "loss should fall: " + l);
        assertTrue(Files.readString(dir.resolve("curves.csv")).contains(",rec,"), "reconstruction term logged");
        BufferedImage strip = ImageIO.read(dir.resolve("reconstructions.png").toFile());
        assertEquals(jepa.analysis.ReconstructionStrip.height(4, 28), strip.getHeight(), "the run's strip: inputs over decoded frames of 4 sequences, written after training");

        // a finished run asked for one more epoch resumes from its checkpoint (listener re-attached by configure)
        o.set(o.size() - 1, "train.epochs=4");
        TinyWorld more = new TinyWorld(8, 4, o.toArray(String[]::new));
        Trainer.Outcome again = trainer(more, dir).run(more);
        assertEquals(3, again.epochsDone(), "a finished run is not reopened");

        // the probe's view: a freshly loaded model, any batch size
        Batch b = data.diagnosticsBatch();
        JepaParams p = new JepaParams(1, false, 1, 8, 1, data.cfg.train().seed());
        JepaNetwork n1 = new JepaNetwork(Checkpoints.restore(dir.resolve("model.zip"), false), p);
        JepaNetwork n2 = new JepaNetwork(Checkpoints.restore(dir.resolve("model.zip"), false), p);
        INDArray r1 = n1.rollout(b.frames(), b.actions());
        INDArray r2 = n2.rollout(b.frames(), b.actions());
        assertEquals(r1, r2, "same seed, same draws");
        assertEquals(List.of(4L, 8L, 17L), List.of(r1.size(0), r1.size(1), r1.size(2)));
        INDArray enc1 = n1.encodeFirstFrame(b.frames());
        assertEquals(enc1.reshape(4, 8), r1.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).reshape(4, 8), "belief 1 = encoding of frame 1");
        INDArray r3 = n1.rollout(b.frames(), b.actions());
        assertNotEquals(r1, r3, "the rollout samples afresh at every call (reference §8)");
        assertFalse(r1.isNaN().any());

        Path png = dir.resolve("strip.png");
        ((Rssm) Methods.create(data.cfg.method())).writeStrip(n1, b, 3, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(jepa.analysis.ReconstructionStrip.width(17, 28), img.getWidth());
        assertEquals(jepa.analysis.ReconstructionStrip.height(3, 28), img.getHeight());
    }
}
