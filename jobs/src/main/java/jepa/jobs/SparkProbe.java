package jepa.jobs;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact linear probe with spark-mllib: least squares without intercept (the reference probe has no bias), the
 * normal-equation solver, no regularisation or standardisation; one model per output coordinate, all sharing the
 * same design matrix (one row per sequence and step).
 */
final class SparkProbe {
    private SparkProbe() {}

    /**
     * Fits W [D][K] on (representation, target) pairs of all {@code steps} steps, or of step 0 only
     * ({@code firstStepOnly}: the encoder probe).
     */
    static double[][] fitExact(SparkSession spark, JavaRDD<Probe.Rep> reps, int steps, int d, int k, boolean firstStepOnly) {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
        for (int j = 0; j < k; j++) schema = schema.add("y" + j, DataTypes.DoubleType);
        int used = firstStepOnly ? 1 : steps;
        JavaRDD<Row> rows = reps.flatMap(r -> {
            List<Row> out = new ArrayList<>(used);
            for (int t = 0; t < used; t++) {
                double[] x = new double[d];
                for (int i = 0; i < d; i++) x[i] = r.reps()[t * d + i];
                Object[] v = new Object[k + 1];
                v[0] = Vectors.dense(x);
                for (int j = 0; j < k; j++) v[j + 1] = (double) r.targets()[t * k + j];
                out.add(RowFactory.create(v));
            }
            return out.iterator();
        });
        Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
        double[][] w = new double[d][k];
        for (int j = 0; j < k; j++) {
            LinearRegressionModel m = new LinearRegression().setFeaturesCol("features").setLabelCol("y" + j)
                    .setFitIntercept(false).setSolver("normal").setRegParam(0.0).setStandardization(false).fit(df);
            double[] c = m.coefficients().toArray();
            for (int i = 0; i < d; i++) w[i][j] = c[i];
        }
        df.unpersist();
        return w;
    }
}
