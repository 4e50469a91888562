package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;
import jepa.world.FloatBytes;
import jepa.world.ImageMoments;
import jepa.world.MovingDotWorld;
import jepa.world.NoiseImages;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import jepa.world.RunKind;
import jepa.world.Split;
import jepa.world.Worlds;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The {@code generate} job: train / probe-train / test splits of the configured world as Parquet under
 * {@code <data-root>/<world.kind>/<dataset>/split=<split>/}, plus {@code _dataset.json} (config snapshot,
 * normalisation, noise source, generator version). Each sequence is a pure function of (dataset seed, split, seq_id),
 * so the bytes do not depend on partitioning. Worlds whose runs are not probed write episodes instead: the counting
 * world's splits one row per observation ({@link CountingEpisodes}), CartPole's random-policy episodes one row per step
 * and no splits ({@link CartPoleEpisodes}). The dataset is written to a staging folder and renamed into place
 * whole, so an interrupted run never leaves a dataset that readers would pick up.
 */
public final class Generate {
    /** Bumped whenever the bytes a config produces change. */
    public static final String GENERATOR_VERSION = "1";
    public static final String METADATA = "_dataset.json";

    private Generate() {}

    public static void run(Args args) {
        JepaConfig cfg = args.config();
        checkNoiseSource(cfg.noise());
        SparkSession spark = SparkSessions.create(cfg, "generate", args.master());
        try {
            Result r = generate(spark, cfg, false);
            Main.RESULTS.println(r.describe());
        } finally {
            spark.stop();
        }
    }

    /** What a generate call did. */
    public record Result(String path, boolean reused, Map<String, Long> counts, double seconds) {
        public long total() { return counts.values().stream().mapToLong(Long::longValue).sum(); }

        public String describe() {
            if (reused) return "dataset " + path + " is up to date (same generator config): reused";
            return String.format("generated %d sequences %s into %s in %.1f s (%.0f sequences/s)", total(), counts, path,
                    seconds, total() / seconds);
        }
    }

    /** Opens structured-noise files on the driver, so a missing or truncated file fails before Spark work starts. */
    static void checkNoiseSource(NoiseConfig noise) {
        if (!noise.active() || !NoiseConfig.STRUCTURED.equals(noise.kind())) return;
        NoiseImages.open(noise, Split.TRAIN);
        NoiseImages.open(noise, Split.TEST);
    }

    /**
     * Generates the configured dataset. An existing dataset is replaced when dataset.overwrite is set; otherwise
     * it is an error, except that {@code reuseIdentical} accepts one made from the same generator config.
     */
    public static Result generate(SparkSession spark, JepaConfig cfg, boolean reuseIdentical) {
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        String target = cfg.datasetDir();
        String snapshot = generatorSnapshot(cfg);
        if (files.exists(target) && !cfg.dataset().overwrite()) {
            String meta = JepaConfig.join(target, METADATA);
            if (reuseIdentical && files.exists(meta) && snapshot.equals(files.readJson(meta).get("generator_config")))
                return new Result(target, true, Map.of(), 0);
            throw new ConfigError("dataset " + target + " already exists; set dataset.overwrite=true to replace it whole"
                    + (reuseIdentical ? " (it was made from a different config)" : ""));
        }
        files.removeStale(target);
        String staging = files.staging(target);
        long t0 = System.nanoTime();
        try {
            int parts = cfg.spark().partitions() > 0 ? cfg.spark().partitions() : spark.sparkContext().defaultParallelism();
            Written w = switch (runKind(cfg)) {
                case PROBES -> splits(spark, cfg, snapshot, staging, parts);
                case COUNT_CLUSTERS -> {   // episodes, one row per observation
                    Map<String, Long> counts = CountingEpisodes.write(spark, cfg, staging, parts);
                    yield new Written(counts, CountingEpisodes.metadata(cfg, snapshot, counts));
                }
                case ACT -> {              // random-policy episodes, one row per step, no splits
                    Map<String, Long> counts = CartPoleEpisodes.write(spark, cfg, staging, parts);
                    yield new Written(counts, CartPoleEpisodes.metadata(cfg, snapshot, counts));
                }
            };
            files.writeJson(JepaConfig.join(staging, METADATA), w.metadata());
            files.publish(staging, target, cfg.dataset().overwrite());
            return new Result(target, false, w.counts(), (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            files.delete(staging);
            throw e;
        }
    }

    /** What a dataset holds follows what its world's runs do: sequence splits to probe, or the world's episodes. */
    static RunKind runKind(JepaConfig cfg) { return Worlds.of(cfg.world().kind()).runKind(); }

    /** A written dataset: its row counts and its {@link #METADATA}. */
    record Written(Map<String, Long> counts, Map<String, Object> metadata) {}

    /** The train / probe-train / test splits of dot sequences, and their normalisation. */
    static Written splits(SparkSession spark, JepaConfig cfg, String snapshot, String staging, int parts) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            long n = size(cfg, split);
            counts.put(split.id(), n);
            // one folder per split, written directly (partitionBy would sort every 53 kB row within each task)
            sequences(spark, cfg, split, n, parts).drop("split").write()
                    .option("parquet.enable.dictionary#frames", "false")   // unique float images: no dictionary
                    .option("parquet.page.write-checksum.enabled", "false")
                    .parquet(JepaConfig.join(staging, "split=" + split.id()));
        }
        return new Written(counts, metadata(cfg, snapshot, estimateNormalization(spark, cfg, parts), counts));
    }

    static long size(JepaConfig cfg, Split split) {
        return switch (split) {
            case TRAIN -> cfg.dataset().train();
            case PROBE_TRAIN -> cfg.dataset().probeTrain();
            case TEST -> cfg.dataset().test();
        };
    }

    /** The rows of one split, in DESIGN.md's column order. */
    static Dataset<Row> sequences(SparkSession spark, JepaConfig cfg, Split split, long n, int parts) {
        Dataset<SequenceRow> rows = spark.range(0, n, 1, (int) Math.max(1, Math.min(parts, n)))
                .mapPartitions(new RowMaker(cfg.world(), cfg.noise(), cfg.dataset().seed(), split), Encoders.bean(SequenceRow.class));
        return rows.select(col("seqId").as("seq_id"), col("split"), col("world"), col("noiseKind").as("noise_kind"),
                col("noiseTemporal").as("noise_temporal"), col("alpha"), col("locations"), col("actions"), col("frames"));
    }

    /** Generates the sequences of one partition lazily, one generator per partition. */
    static final class RowMaker implements MapPartitionsFunction<Long, SequenceRow> {
        private final WorldConfig world;
        private final NoiseConfig noise;
        private final long seed;
        private final Split split;

        RowMaker(WorldConfig world, NoiseConfig noise, long seed, Split split) {
            this.world = world; this.noise = noise; this.seed = seed; this.split = split;
        }

        @Override
        public Iterator<SequenceRow> call(Iterator<Long> ids) {
            MovingDotWorld gen = MovingDotWorld.of(world, noise, split);
            float alpha = (float) noise.alpha();
            return new Iterator<>() {
                public boolean hasNext() { return ids.hasNext(); }

                public SequenceRow next() {
                    MovingDotWorld.Sequence s = gen.generate(seed, split, ids.next());
                    return new SequenceRow(s.seqId(), split.id(), world.kind(), noise.kind(), noise.temporal(), alpha,
                            s.locations(), s.actions(), FloatBytes.toBytes(s.frames()));
                }
            };
        }
    }

    /**
     * Image mean/std as the reference estimates them (reference §1.7): per batch of norm-batch training sequences (by seq_id),
     * mean and unbiased std over all pixels, averaged over the first norm-batches batches. The sequences are
     * regenerated (a pure function of their ids) rather than read back.
     */
    static Normalization estimateNormalization(SparkSession spark, JepaConfig cfg, int parts) {
        int b = cfg.dataset().normBatch();
        long train = cfg.dataset().train();
        long batches = Math.max(1, Math.min(cfg.dataset().normBatches(), train / b));
        long n = Math.min(train, batches * b);
        WorldConfig world = cfg.world();
        NoiseConfig noise = cfg.noise();
        long seed = cfg.dataset().seed();
        JavaPairRDD<Long, ImageMoments> perBatch = spark.range(0, n, 1, (int) Math.max(1, Math.min(parts, n))).javaRDD()
                .mapPartitionsToPair(ids -> {
                    MovingDotWorld gen = MovingDotWorld.of(world, noise, Split.TRAIN);
                    Map<Long, ImageMoments> acc = new LinkedHashMap<>();
                    while (ids.hasNext()) {
                        long id = ids.next();
                        acc.computeIfAbsent(id / b, k -> new ImageMoments(MovingDots.of(world).dots())).add(gen.generate(seed, Split.TRAIN, id).frames(), world.imageSize() * world.imageSize());
                    }
                    List<Tuple2<Long, ImageMoments>> out = new ArrayList<>();
                    acc.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
                    return out.iterator();
                })
                .reduceByKey(ImageMoments::merge);
        List<ImageMoments> moments = new ArrayList<>(perBatch.sortByKey().values().collect());
        return Normalization.estimate(moments, world);
    }

    /** The part of the config that determines the bytes: world, noise, dataset seed and sizes, generator version. */
    static String generatorSnapshot(JepaConfig cfg) {
        String dots = "version=" + GENERATOR_VERSION + " world=" + cfg.world() + " noise=" + cfg.noise() + " source=" + cfg.noise().resolvedSource()
                + " seed=" + cfg.dataset().seed() + " sizes=" + cfg.dataset().train() + "/" + cfg.dataset().probeTrain()
                + "/" + cfg.dataset().test() + " norm=" + cfg.dataset().normBatch() + "x" + cfg.dataset().normBatches();
        return switch (runKind(cfg)) {
            case PROBES -> dots;
            case COUNT_CLUSTERS -> dots + " counting=" + cfg.counting();
            case ACT -> CartPoleEpisodes.snapshot(cfg);
        };
    }

    static Map<String, Object> metadata(JepaConfig cfg, String snapshot, Normalization norm, Map<String, Long> counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator_version", GENERATOR_VERSION);
        m.put("generator_config", snapshot);
        m.put("world", cfg.world().kind());
        m.put("dataset", cfg.dataset().resolvedName(cfg.noise()));
        m.put("channels", MovingDots.of(cfg.world()).dots());
        m.put("frames", cfg.world().frames());
        m.put("image_size", cfg.world().imageSize());
        m.put("noise_source", cfg.noise().active() ? cfg.noise().resolvedSource() : "none");
        m.put("counts", counts);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("image_mean", toList(norm.imageMean()));
        n.put("image_std", toList(norm.imageStd()));
        n.put("location_min_px", norm.clampMin());
        n.put("location_range_px", norm.range());
        n.put("action_scale_px", norm.actionScale());
        m.put("normalization", n);
        m.put("units", "locations and actions in pixels (x = column, y = row); frames float32 little-endian, un-normalised, [frames][channels][28][28]");
        m.put("config", cfg.render());
        return m;
    }

    private static List<Double> toList(float[] a) {
        List<Double> l = new ArrayList<>();
        for (float v : a) l.add((double) v);
        return l;
    }
}
