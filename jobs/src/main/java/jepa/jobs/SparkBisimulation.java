package jepa.jobs;

import jepa.analysis.Transitions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;

/**
 * R* of Def. 4 as a Spark job, for data sets whose pair set is too large for one node's bit matrix
 * ({@link jepa.analysis.Bisimulation}, N ≤ 46,340 states): the pairs of co-observed transitions (x →a x′, y →a y′)
 * are joined once into edges (x, y) ← (x′, y′); R⁽¹⁾ = the source pairs whose auxiliary values differ; each round adds
 * the edges whose successor pair entered R in the round before (semi-naive evaluation), until no pair enters. Pairs
 * are unordered (x &lt; y). Assumes one successor per (source, action) — the counting world's observations, each row its
 * own state — so no state is ever certified against itself.
 */
public final class SparkBisimulation {
    private SparkBisimulation() {}

    /** The number of unordered certified pairs x &lt; y (Bisimulation.Result.certifiedPairs of the same data). */
    public static long certifiedPairs(SparkSession spark, Transitions d) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.source().length; i++) rows.add(RowFactory.create(d.source()[i], d.action()[i], d.aux()[i], d.next()[i]));
        StructType schema = new StructType().add("x", DataTypes.IntegerType).add("a", DataTypes.IntegerType)
                .add("p", DataTypes.DoubleType).add("nx", DataTypes.IntegerType);
        Dataset<Row> t = spark.createDataFrame(rows, schema).cache();
        Dataset<Row> t2 = t.toDF("y", "b", "q", "ny");
        // edges: (x, y) is certified once (x′, y′) is, for every action both take
        Dataset<Row> edges = t.join(t2, col("a").equalTo(col("b")).and(col("x").lt(col("y"))).and(col("nx").notEqual(col("ny"))))
                .select(col("x"), col("y"), least(col("nx"), col("ny")).as("u"), greatest(col("nx"), col("ny")).as("v")).distinct().cache();
        Dataset<Row> sources = t.select("x", "p").distinct();
        Dataset<Row> r = sources.join(sources.toDF("y", "q"), col("x").lt(col("y")).and(col("p").notEqual(col("q")))).select("x", "y").cache();
        Dataset<Row> delta = r;
        while (delta.count() > 0) {
            Dataset<Row> next = edges.join(delta.toDF("u", "v"), new String[]{"u", "v"}).select("x", "y").distinct()
                    .join(r, new String[]{"x", "y"}, "left_anti").localCheckpoint();
            r = r.union(next).localCheckpoint();
            delta = next;
        }
        long n = r.count();
        t.unpersist();
        edges.unpersist();
        return n;
    }
}
