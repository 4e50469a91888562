package jepa.jobs;

import jepa.config.JepaConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The result tables (runs, metrics, diagnostics, curves) under {@code <data-root>/results/<table>}, partitioned by
 * run_id. Writing a run's rows replaces exactly that run's partition (dynamic partition overwrite), so a re-run
 * never duplicates rows and never touches other runs.
 */
public final class ResultTables {
    private ResultTables() {}

    /** Replaces the rows of the runs present in {@code rows} (which must have a run_id column). */
    public static void replaceRuns(SparkSession spark, String dataRoot, String table, Dataset<Row> rows) {
        String path = JepaConfig.join(dataRoot, "results", table);
        String before = spark.conf().get("spark.sql.sources.partitionOverwriteMode", "static");
        spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        try {
            rows.repartition(1).write().mode(SaveMode.Overwrite).partitionBy("run_id").parquet(path);
        } finally {
            spark.conf().set("spark.sql.sources.partitionOverwriteMode", before);
        }
    }

    /** Convenience: rows built on the driver. */
    public static void replaceRuns(SparkSession spark, String dataRoot, String table, List<Row> rows, StructType schema) {
        if (rows.isEmpty()) return;
        replaceRuns(spark, dataRoot, table, spark.createDataFrame(rows, schema));
    }
}
