package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import jepa.world.FloatBytes;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateTest extends SparkTest {
    @TempDir Path dir;

    private JepaConfig config(String root, String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + root, "dataset.train=96", "dataset.probe-train=40",
                "dataset.test=24", "dataset.norm-batch=32", "dataset.norm-batches=3"));
        o.addAll(Arrays.asList(extra));
        return JepaConfig.load(null, o);
    }

    private static List<Row> rows(String path) {
        return spark.read().parquet(path).orderBy("split", "seq_id").collectAsList();
    }

    @Test
    void sameBytesWithOneAndFourPartitions() {
        String a = dir.resolve("a").toString(), b = dir.resolve("b").toString();
        Generate.generate(spark, config(a, "spark.partitions=1"), false);
        Generate.generate(spark, config(b, "spark.partitions=4"), false);
        String path = "/single/uniform-changing-a1-s1";
        List<Row> ra = rows(a + path), rb = rows(b + path);
        assertEquals(96 + 40 + 24, ra.size());
        assertEquals(ra.size(), rb.size());
        for (int i = 0; i < ra.size(); i++) {
            Row x = ra.get(i), y = rb.get(i);
            assertEquals(x.getLong(x.fieldIndex("seq_id")), y.getLong(y.fieldIndex("seq_id")));
            assertArrayEquals((byte[]) x.getAs("frames"), (byte[]) y.getAs("frames"));
            assertEquals(x.getList(x.fieldIndex("locations")), y.getList(y.fieldIndex("locations")));
            assertEquals(x.getList(x.fieldIndex("actions")), y.getList(y.fieldIndex("actions")));
        }
        // the metadata (normalisation included) is the same too
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        assertEquals(files.readJson(a + path + "/" + Generate.METADATA).get("normalization"),
                files.readJson(b + path + "/" + Generate.METADATA).get("normalization"));
    }

    @Test
    void schemaUnitsAndMetadata() {
        String root = dir.resolve("s").toString();
        JepaConfig cfg = config(root, "world.kind=three-dots", "noise.temporal=fixed", "noise.alpha=0.5");
        Generate.Result r = Generate.generate(spark, cfg, false);
        assertEquals(Map.of("train", 96L, "probe_train", 40L, "test", 24L), r.counts());
        Row first = spark.read().parquet(r.path()).where("split = 'test' AND seq_id = 3").first();
        assertEquals("three-dots", first.getAs("world"));
        assertEquals("fixed", first.getAs("noise_temporal"));
        assertEquals(0.5f, (float) first.getAs("alpha"));
        assertEquals(17 * 3 * 2, first.getList(first.fieldIndex("locations")).size());
        assertEquals(16 * 2, first.getList(first.fieldIndex("actions")).size());
        float[] frames = FloatBytes.toFloats((byte[]) first.getAs("frames"));
        assertEquals(17 * 3 * 28 * 28, frames.length);
        for (Object v : first.getList(first.fieldIndex("locations"))) {
            float p = (Float) v;
            assertTrue(p >= 2.6f - 1e-5 && p <= 24.4f + 1e-5, "location in px inside the clamp range: " + p);
        }
        Map<String, Object> meta = new DataFiles(spark.sparkContext().hadoopConfiguration()).readJson(r.path() + "/" + Generate.METADATA);
        assertEquals(Generate.GENERATOR_VERSION, meta.get("generator_version"));
        assertEquals("none", meta.get("noise_source"));
        @SuppressWarnings("unchecked") Map<String, Object> norm = (Map<String, Object>) meta.get("normalization");
        assertEquals(3, ((List<?>) norm.get("image_mean")).size());
        assertEquals(1.6408001, ((Number) norm.get("action_scale_px")).doubleValue(), 1e-6);
        assertTrue(((String) meta.get("config")).contains("three-dots"));
    }

    @Test
    void existingDatasetIsRefusedOrReplacedWhole() throws Exception {
        String root = dir.resolve("o").toString();
        JepaConfig cfg = config(root);
        Generate.Result first = Generate.generate(spark, cfg, false);
        ConfigError e = assertThrows(ConfigError.class, () -> Generate.generate(spark, cfg, false));
        assertTrue(e.getMessage().contains("dataset.overwrite"), e.getMessage());
        assertTrue(Generate.generate(spark, cfg, true).reused(), "identical config is reused by the pipeline");
        assertThrows(ConfigError.class, () -> Generate.generate(spark, config(root, "dataset.train=64"), true));
        assertEquals(160, spark.read().parquet(first.path()).count(), "nothing already written is lost");

        Generate.Result replaced = Generate.generate(spark, config(root, "dataset.train=64", "dataset.overwrite=true"), false);
        assertEquals(64 + 40 + 24, spark.read().parquet(replaced.path()).count());
        try (Stream<Path> s = Files.list(Path.of(replaced.path()).getParent())) {
            assertEquals(List.of("uniform-changing-a1-s1"), s.map(p -> p.getFileName().toString()).toList(),
                    "no staging or old folders left beside the dataset");
        }
    }

    @Test
    void interruptedRunLeavesNothingReadersSee() throws Exception {
        String root = dir.resolve("i").toString();
        // a staging folder from a killed run, with half-written Parquet
        Path stale = Path.of(root, "single", ".uniform-changing-a1-s1.tmp-dead");
        Files.createDirectories(stale.resolve("split=train"));
        Files.writeString(stale.resolve("split=train/part-0.parquet"), "half");
        assertFalse(Sql.register(spark, root).contains("sequences"), "a staging folder is not a dataset");
        Generate.generate(spark, config(root), false);
        assertFalse(Files.exists(stale), "stale staging folders are cleaned up");
    }

    @Test
    void sqlOverGeneratedDatasets() {
        String root = dir.resolve("q").toString();
        Generate.generate(spark, config(root), false);
        Generate.generate(spark, config(root, "noise.temporal=fixed", "world.kind=three-dots"), false);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Sql.print(Sql.query(spark, root, "SELECT world, noise_temporal, split, count(*) AS n, "
                + "min(size(locations)) AS nloc, max(length(frames)) AS nbytes FROM sequences "
                + "GROUP BY world, noise_temporal, split ORDER BY world, split"), true, new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("world,noise_temporal,split,n,nloc,nbytes", lines.get(0));
        assertEquals(List.of(
                "single,changing,probe_train,40,34,53312",
                "single,changing,test,24,34,53312",
                "single,changing,train,96,34,53312",
                "three-dots,fixed,probe_train,40,102,159936",
                "three-dots,fixed,test,24,102,159936",
                "three-dots,fixed,train,96,102,159936"), lines.subList(1, lines.size()));
        ConfigError bad = assertThrows(ConfigError.class, () -> Sql.query(spark, root, "SELECT nope FROM sequences"));
        assertTrue(bad.getMessage().contains("nope"));
    }
}
