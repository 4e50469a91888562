package jepa.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's published numbers as data the report joins (resource jepa/paper_table1.csv: Table 1 of "JEPA focus on
 * slow features", the 3-dot world without noise, mean and std over 3 seeds per method and column).
 */
final class PaperValues {
    private PaperValues() {}

    static final String TABLE1 = "paper_table1", RESOURCE = "jepa/paper_table1.csv";

    static final StructType SCHEMA = new StructType().add("method", DataTypes.StringType)
            .add("average", DataTypes.DoubleType).add("average_std", DataTypes.DoubleType)
            .add("action", DataTypes.DoubleType).add("action_std", DataTypes.DoubleType)
            .add("random", DataTypes.DoubleType).add("random_std", DataTypes.DoubleType)
            .add("stationary", DataTypes.DoubleType).add("stationary_std", DataTypes.DoubleType);

    /** Registers the temporary view {@value #TABLE1}. */
    static void register(SparkSession spark) {
        spark.createDataFrame(table1(), SCHEMA).createOrReplaceTempView(TABLE1);
    }

    static List<Row> table1() {
        try (InputStream in = PaperValues.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = r.readLine();
            if (!header.equals(String.join(",", SCHEMA.fieldNames())))
                throw new IllegalStateException(RESOURCE + ": header '" + header + "', expected " + String.join(",", SCHEMA.fieldNames()));
            List<Row> rows = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) continue;
                String[] f = line.split(",", -1);
                Object[] v = new Object[f.length];
                v[0] = f[0];
                for (int i = 1; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
                rows.add(RowFactory.create(v));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
