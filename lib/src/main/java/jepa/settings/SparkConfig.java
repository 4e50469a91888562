package jepa.settings;

import com.typesafe.config.Config;

/** How jobs use Spark when the launcher does not decide it (spark-submit's --master wins over master). */
public record SparkConfig(String master, int partitions, String parquetCompression) implements java.io.Serializable {

    public SparkConfig {
        if (master.isBlank()) throw new ConfigError("spark.master must not be empty (e.g. local[*], spark://host:7077, yarn)");
        Check.nonNegative("spark.partitions", partitions);
        Check.oneOf("spark.parquet-compression", parquetCompression, "none", "uncompressed", "snappy", "gzip", "zstd", "lz4");
    }

    public static SparkConfig from(Config c) {
        return new SparkConfig(Check.string(c, "spark.master"), Check.integer(c, "spark.partitions"),
                Check.string(c, "spark.parquet-compression"));
    }
}
