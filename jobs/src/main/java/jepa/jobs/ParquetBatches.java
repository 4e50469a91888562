package jepa.jobs;

import jepa.train.Batch;
import jepa.train.BatchAssembler;
import jepa.train.Trainer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Training batches streamed from a Parquet split to the (single-node) trainer: rows arrive partition by partition
 * through toLocalIterator and pass a shuffle buffer seeded by (seed, epoch), so an epoch's order is repeatable and
 * memory stays bounded by the buffer. Only full batches are used (the last partial one is dropped).
 */
final class ParquetBatches implements Trainer.BatchSource {
    private final Dataset<Row> rows;
    private final BatchAssembler assembler;
    private final int batch, buffer;
    private final long seed, count;
    private Batch diagnostics;

    ParquetBatches(Dataset<Row> rows, BatchAssembler assembler, int batch, int buffer, long seed) {
        this.rows = rows.orderBy("seq_id");
        this.assembler = assembler;
        this.batch = batch;
        this.buffer = Math.max(buffer, batch);
        this.seed = seed;
        this.count = rows.count();
        if (count < batch) throw new jepa.config.ConfigError("train.batch-size = " + batch + " is larger than the split (" + count + " sequences)");
    }

    @Override public int batchesPerEpoch() { return (int) (count / batch); }

    @Override
    public Batch diagnosticsBatch() {
        if (diagnostics == null) {
            List<BatchAssembler.Stored> first = new ArrayList<>();
            for (Row r : rows.limit(batch).collectAsList()) first.add(Datasets.stored(r));
            diagnostics = assembler.assemble(first);
        }
        return diagnostics;
    }

    @Override
    public Iterator<Batch> epoch(int epoch) {
        Iterator<Row> it = rows.toLocalIterator();
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch);
        List<BatchAssembler.Stored> pool = new ArrayList<>();
        return new Iterator<>() {
            long emitted;

            public boolean hasNext() { return emitted < batchesPerEpoch(); }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                List<BatchAssembler.Stored> out = new ArrayList<>(batch);
                while (out.size() < batch) {
                    while (pool.size() < buffer && it.hasNext()) pool.add(Datasets.stored(it.next()));
                    int i = rng.nextInt(pool.size());
                    out.add(pool.get(i));
                    pool.set(i, pool.get(pool.size() - 1));
                    pool.remove(pool.size() - 1);
                }
                emitted++;
                return assembler.assemble(out);
            }
        };
    }
}
