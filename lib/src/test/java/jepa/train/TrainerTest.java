package jepa.train;

import jepa.data.Batch;

import jepa.config.JepaConfig;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.data.BatchSource;
import jepa.world.MovingDots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir Path dir;

    static final String[] TINY = {"method.width=1", "method.embedding=16", "train.batch-size=8", "train.warmup-epochs=0",
            "train.log-every=1", "noise.alpha=0.5"};

    private static String[] with(String... more) {
        List<String> l = new ArrayList<>(List.of(TINY));
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }

    static Trainer trainer(TinyWorld data, Path dir) {
        JepaConfig c = data.cfg;
        return new Trainer(Methods.network(c.method()), JepaParams.of(c.method(), c.world(), c.train().seed()), c.train(), MovingDots.of(c.world()).dots(), dir, s -> {});
    }

    /** loss per step from curves.csv */
    static List<Double> losses(Path dir) throws Exception {
        List<Double> l = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("curves.csv")))
            if (line.contains(",loss,")) l.add(Double.parseDouble(line.split(",")[2]));
        return l;
    }

    private static double mean(List<Double> l, int from, int to) {
        return l.subList(from, to).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void eachMethodsLossDecreasesOnATinyDataset() throws Exception {
        for (String m : List.of("vicreg", "simclr", "idm", "supervised")) {
            TinyWorld data = new TinyWorld(32, 8, with("method.name=" + m, "train.epochs=4", "train.base-lr=" + (m.equals("idm") ? "20" : "5"),
                    "train.supervised-lr=0.003"));
            Path d = dir.resolve(m);
            Trainer.Outcome o = trainer(data, d).run(data);
            assertTrue(o.finished(), m + ": " + o.reason());
            List<Double> l = losses(d);
            assertEquals(16, l.size());
            assertTrue(mean(l, 12, 16) < mean(l, 0, 4), m + " loss should fall: " + l);
        }
    }

    @Test
    void killedRunResumesFromItsLastCheckpointWithoutDuplicateRows() throws Exception {
        TinyWorld data = new TinyWorld(24, 8, with("train.epochs=3"));
        // a source that dies in the middle of the second epoch, as a killed job would
        BatchSource dying = new BatchSource() {
            public int batchesPerEpoch() { return data.batchesPerEpoch(); }
            public Batch diagnosticsBatch() { return data.diagnosticsBatch(); }
            public Iterator<Batch> epoch(int e) {
                Iterator<Batch> it = data.epoch(e);
                return new Iterator<>() {
                    int n;
                    public boolean hasNext() { return it.hasNext(); }
                    public Batch next() {
                        if (e == 1 && ++n == 2) throw new IllegalStateException("killed");
                        return it.next();
                    }
                };
            }
        };
        assertThrows(IllegalStateException.class, () -> trainer(data, dir).run(dying));
        assertEquals(1, Trainer.state(dir).epochsDone());
        Trainer.Outcome o = trainer(data, dir).run(data);
        assertTrue(o.finished());
        assertEquals(3, o.epochsDone());
        assertEquals(9, o.steps());
        List<String> steps = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("curves.csv")).subList(1, 0 + Files.readAllLines(dir.resolve("curves.csv")).size()))
            if (line.contains(",loss,")) steps.add(line.split(",")[0]);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), steps, "every step once");
        Set<String> diag = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("diagnostics.csv")).subList(1, Files.readAllLines(dir.resolve("diagnostics.csv")).size())) {
            String[] f = line.split(",");
            assertTrue(diag.add(f[0] + "/" + f[1] + "/" + f[2]), "duplicate diagnostics row " + line);
        }
        assertEquals(4 * 2 * Trainer.DIAGNOSTIC_FRAMES.length, diag.size(), "epochs 0..3 x encoder/rollout x frames");
        // a finished run is not trained again
        Trainer.Outcome again = trainer(data, dir).run(data);
        assertEquals(9, again.steps());
    }

    @Test
    void divergenceStopsTheRunAndRecordsTheReason() throws Exception {
        TinyWorld data = new TinyWorld(16, 8, with("train.epochs=2", "train.base-lr=1e30", "train.eta=1e30"));
        Trainer.Outcome o = trainer(data, dir).run(data);
        assertEquals(RunStatus.FAILED, o.status());
        assertTrue(o.reason().startsWith("loss is") || o.reason().startsWith("collapse") || o.reason().contains("NaN"), o.reason());
        assertEquals(RunStatus.FAILED, Trainer.state(dir).status());
        assertFalse(Trainer.state(dir).reason().isEmpty());
    }

    @Test
    void randomInitIsNotTrained() throws Exception {
        TinyWorld data = new TinyWorld(16, 8, with("method.name=random", "train.epochs=5"));
        Trainer.Outcome o = trainer(data, dir).run(data);
        assertTrue(o.finished());
        assertEquals(0, o.steps());
        assertTrue(Files.exists(dir.resolve("model.zip")));
    }
}
