package jepa.jobs;

import jepa.data.Batch;
import jepa.data.BatchAssembler;
import jepa.data.BatchSource;
import jepa.data.EpochOrder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * Training batches streamed from a Parquet split to the (single-node) trainer in {@link EpochOrder}'s order: Spark
 * keeps the epoch's id window and sorts it by the same key the generator path sorts by, and the sorted rows arrive
 * partition by partition through toLocalIterator, so memory stays bounded and the batches equal a sweep task's.
 */
final class ParquetBatches implements BatchSource {
    private final Dataset<Row> rows;
    private final BatchAssembler assembler;
    private final int batch;
    private final EpochOrder order;
    private Batch diagnostics;

    ParquetBatches(Dataset<Row> rows, BatchAssembler assembler, int batch, EpochOrder order) {
        this.rows = rows;
        this.assembler = assembler;
        this.batch = batch;
        this.order = order;
        if (order.count() < batch)
            throw new jepa.settings.ConfigError("train.batch-size = " + batch + " is larger than an epoch (" + order.count() + " sequences)");
    }

    @Override public int batchesPerEpoch() { return (int) (order.count() / batch); }

    @Override
    public Batch diagnosticsBatch() {
        if (diagnostics == null) {
            List<BatchAssembler.Stored> first = new ArrayList<>();
            for (Row r : rows.where(col("seq_id").lt(batch)).orderBy("seq_id").collectAsList()) first.add(Datasets.stored(r));
            diagnostics = assembler.assemble(first);
        }
        return diagnostics;
    }

    @Override
    public Iterator<Batch> epoch(int epoch) {
        long seed = order.seed(), from = order.first(epoch);
        var key = udf((UDF1<Long, Long>) id -> EpochOrder.key(seed, epoch, id), DataTypes.LongType);
        Iterator<Row> it = rows.where(col("seq_id").geq(from).and(col("seq_id").lt(from + order.count())))
                .withColumn("epoch_key", key.apply(col("seq_id"))).orderBy("epoch_key", "seq_id").toLocalIterator();
        return new Iterator<>() {
            long emitted;

            public boolean hasNext() { return emitted < batchesPerEpoch(); }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                List<BatchAssembler.Stored> out = new ArrayList<>(batch);
                while (out.size() < batch) out.add(Datasets.stored(it.next()));
                emitted++;
                return assembler.assemble(out);
            }
        };
    }
}
