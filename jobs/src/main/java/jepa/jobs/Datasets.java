package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import jepa.data.BatchAssembler;
import jepa.world.FloatBytes;
import jepa.world.Normalization;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/** Reading a generated dataset back: its metadata, normalisation and splits. */
public final class Datasets {
    private Datasets() {}

    /** The dataset's _dataset.json; a clear error when the dataset has not been generated. */
    public static Map<String, Object> metadata(SparkSession spark, JepaConfig cfg) {
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        String meta = JepaConfig.join(cfg.datasetDir(), Generate.METADATA);
        if (!files.exists(meta))
            throw new ConfigError("dataset " + cfg.datasetDir() + " does not exist: run submit/jepa generate with the same config first");
        return files.readJson(meta);
    }

    @SuppressWarnings("unchecked")
    public static Normalization normalization(Map<String, Object> meta) {
        Map<String, Object> n = (Map<String, Object>) meta.get("normalization");
        return new Normalization(floats((List<Number>) n.get("image_mean")), floats((List<Number>) n.get("image_std")),
                ((Number) n.get("location_min_px")).doubleValue(), ((Number) n.get("location_range_px")).doubleValue(),
                ((Number) n.get("action_scale_px")).doubleValue());
    }

    /** One split's rows (seq_id, frames, locations, actions), ordered by seq_id within files. */
    public static Dataset<Row> split(SparkSession spark, JepaConfig cfg, String split) {
        return spark.read().parquet(JepaConfig.join(cfg.datasetDir(), "split=" + split))
                .select(col("seq_id"), col("frames"), col("locations"), col("actions"));
    }

    /** A stored row as the batch assembler takes it. */
    public static BatchAssembler.Stored stored(Row r) {
        return new BatchAssembler.Stored(r.getLong(0), FloatBytes.toFloats((byte[]) r.get(1)), floatsOf(r.getList(2)), floatsOf(r.getList(3)));
    }

    static float[] floatsOf(List<?> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }

    private static float[] floats(List<Number> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = l.get(i).floatValue();
        return f;
    }
}
