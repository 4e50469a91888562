package jepa.train;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A counting run end to end at a tiny scale: per-checkpoint clusters rows, the best checkpoint's figures, Theorem 3. */
class CountingRunTest {
    @TempDir Path dir;

    static JepaConfig config(String method) {
        return JepaConfig.load(null, List.of("world.kind=counting", "method.name=" + method, "dataset.train=40",
                "dataset.probe-train=20", "dataset.test=16", "train.batch-size=16", "train.epochs=2", "train.warmup-epochs=0", "train.log-every=4",
                "pjepa.figure-observations=12", "pjepa.bisimulation-episodes=15"));
    }

    @Test
    void trainsEvaluatesEveryCheckpointAndKeepsTheBestFigures() throws Exception {
        List<String> lines = new ArrayList<>();
        RunProtocol.Result r = RunProtocol.run(config("pjepa-reward"), dir, lines::add);
        assertTrue(r.outcome().finished(), r.outcome().reason());
        assertEquals(2, r.outcome().epochsDone());
        List<double[]> rows = CountingRun.clusters(dir);
        assertEquals(3, rows.size(), "one row at the start and one per epoch");
        assertEquals(0, rows.get(0)[0]);
        assertEquals(r.outcome().steps(), (long) rows.get(2)[0]);
        for (double[] row : rows) {
            assertTrue(row[1] >= 0 && row[1] <= 1, "accuracy " + row[1]);
            assertTrue(row[2] >= 1, "RankMe " + row[2]);
            assertTrue(row[4] > 0 && row[5] > 0, "distances");
        }
        List<String> figure = Files.readAllLines(dir.resolve(CountingRun.FIGURE));
        assertEquals(13, figure.size(), "header + pjepa.figure-observations rows");
        assertEquals(3 + 256, figure.get(1).split(",").length, "step, index, count, 256-d embedding");
        assertTrue(Files.size(dir.resolve(CountingRun.STRIP)) > 0);
        List<String> t3 = Files.readAllLines(dir.resolve(CountingRun.THEOREM3));
        String[] f = t3.get(1).split(",");
        assertTrue(Long.parseLong(f[4]) > 0, "D certifies pairs");
        assertTrue(Double.parseDouble(f[5]) > 0, "no certified pair collapsed to one point: " + t3.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.contains("nearest-centroid accuracy")), String.join("\n", lines));
        // a re-run finds it finished
        List<String> again = new ArrayList<>();
        assertTrue(RunProtocol.run(config("pjepa-reward"), dir, again::add).outcome().finished());
        assertTrue(again.get(0).contains("already finished"), again.toString());
    }

    @Test
    void sampleIsAFixedShuffle() {
        int[] a = CountingRun.sample(50, 10, 3), b = CountingRun.sample(50, 10, 3);
        assertArrayEquals(a, b);
        assertEquals(10, java.util.Arrays.stream(a).distinct().count());
        assertEquals(5, CountingRun.sample(5, 10, 3).length);
    }
}
