package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountingGenerateTest extends SparkTest {
    @TempDir Path dir;

    private JepaConfig config(String root, String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + root, "world.kind=counting", "method.name=pjepa-reward", "dataset.name=episodes",
                "dataset.train=13", "dataset.probe-train=5", "dataset.test=4"));
        o.addAll(Arrays.asList(extra));
        return JepaConfig.load(null, o);
    }

    private static List<Row> rows(String path) {
        return spark.read().parquet(path).orderBy("split", "episode", "step").collectAsList();
    }

    @Test
    void sameRowsWithOneAndThreePartitionsAsTheGeneratorMakesThem() {
        String a = dir.resolve("a").toString(), b = dir.resolve("b").toString();
        JepaConfig ca = config(a, "spark.partitions=1");
        Generate.Result r = Generate.generate(spark, ca, false);
        Generate.generate(spark, config(b, "spark.partitions=3"), false);
        assertEquals(Map.of("train", 13L, "probe_train", 5L, "test", 4L), r.counts());
        List<Row> ra = rows(r.path()), rb = rows(b + "/counting/episodes");
        assertEquals(ra.size(), rb.size());
        for (int i = 0; i < ra.size(); i++) {
            Row x = ra.get(i), y = rb.get(i);
            assertArrayEquals((byte[]) x.getAs("frame"), (byte[]) y.getAs("frame"));
            for (String c : List.of("split", "episode", "step", "count", "action", "next_count", "reward", "shape", "colour"))
                assertEquals((Object) x.getAs(c), y.getAs(c), c);
        }
        // the rows are the generator's episodes, in step order, the last observation without an action
        CountingWorld world = new CountingWorld(ca.counting());
        CountingWorld.Episode e = world.episode(ca.dataset().seed(), Split.TEST, 2);
        List<Row> stored = ra.stream().filter(x -> x.getAs("split").equals("test") && (long) x.getAs("episode") == 2).toList();
        assertEquals(e.steps().size(), stored.size());
        for (int t = 0; t < stored.size(); t++) {
            CountingWorld.Step s = e.steps().get(t);
            Row x = stored.get(t);
            assertArrayEquals(s.frame(), (byte[]) x.getAs("frame"));
            assertEquals(3 * 64 * 64, ((byte[]) x.getAs("frame")).length);
            assertEquals(s.count(), (int) x.getAs("count"));
            assertEquals(s.reward(), (float) x.getAs("reward"));
            assertEquals(List.of(s.colour()[0], s.colour()[1], s.colour()[2]), x.getList(x.fieldIndex("colour")));
            if (s.hasTransition()) {
                assertEquals(s.action(), (float) x.getAs("action"));
                assertEquals(s.nextCount(), (int) x.getAs("next_count"));
            } else {
                assertNull(x.getAs("action"));
                assertNull(x.getAs("next_count"));
            }
        }
    }

    @Test
    void countingViewBesideTheDotSequences() {
        String root = dir.resolve("q").toString();
        Generate.generate(spark, config(root), false);
        Generate.generate(spark, JepaConfig.load(null, List.of("data-root=" + root, "dataset.train=8", "dataset.probe-train=4",
                "dataset.test=4", "dataset.norm-batch=4", "dataset.norm-batches=1")), false);
        assertTrue(Sql.register(spark, root).containsAll(List.of("counting", "sequences")));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        // every transition moves the count by one step of its action's sign, clamped; reward marks count 4
        Sql.print(Sql.query(spark, root, "SELECT split, count(DISTINCT episode) AS episodes, "
                + "sum(CASE WHEN next_count IS NOT NULL AND next_count <> greatest(0, least(8, count + CASE WHEN action < 0 THEN -1 ELSE 1 END)) THEN 1 ELSE 0 END) AS bad, "
                + "sum(CASE WHEN (reward = 1) <> (count = 4) THEN 1 ELSE 0 END) AS bad_reward, min(length(frame)) AS bytes "
                + "FROM counting GROUP BY split ORDER BY split"), true, new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("split,episodes,bad,bad_reward,bytes", "probe_train,5,0,0,12288", "test,4,0,0,12288",
                "train,13,0,0,12288"), lines);
        assertEquals(16, Sql.query(spark, root, "SELECT * FROM sequences").count(), "the dot dataset keeps its own view");
    }
}
