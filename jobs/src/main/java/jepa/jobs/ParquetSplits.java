package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.data.BatchAssembler;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.train.Checkpoints;
import jepa.train.Evaluation;
import jepa.train.RunProtocol;
import jepa.world.Normalization;
import jepa.world.Split;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A generated dataset's splits as the evaluation folds them: each partition restores the run's network from a
 * broadcast model zip and folds its rows, in batches of probe.batch-size, where the data is; the driver merges the
 * partitions' results. The rules of the fold are the lib's ({@link Evaluation}).
 */
final class ParquetSplits implements Evaluation.Splits {
    private final SparkSession spark;
    private final JepaConfig cfg;
    private final Normalization norm;
    private final Broadcast<byte[]> model;

    /** {@code model} null: a baseline without a network. */
    ParquetSplits(SparkSession spark, JepaConfig cfg, Normalization norm, byte[] model) {
        this.spark = spark;
        this.cfg = cfg;
        this.norm = norm;
        this.model = model == null ? null : JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    }

    @Override
    public <A> A fold(Split split, Evaluation.Fold<A> fold) {
        Broadcast<byte[]> bytes = model;
        var world = cfg.world();
        JepaParams params = RunProtocol.params(cfg);
        int batch = cfg.probe().batchSize();
        Normalization n = norm;
        List<A> parts = Datasets.split(spark, cfg, split.id()).javaRDD().mapPartitions((Iterator<Row> it) -> {
            BatchAssembler assembler = new BatchAssembler(n, world);
            JepaNetwork net = bytes == null ? null : new JepaNetwork(Checkpoints.restore(bytes.value(), false), params);
            A acc = fold.zero();
            List<BatchAssembler.Stored> pending = new ArrayList<>(batch);
            while (it.hasNext()) {
                pending.add(Datasets.stored(it.next()));
                if (pending.size() == batch || !it.hasNext()) {
                    acc = fold.add(acc, net, assembler.assemble(pending));
                    pending.clear();
                }
            }
            return List.of(acc).iterator();
        }).collect();
        A out = fold.zero();
        for (A p : parts) out = fold.merge(out, p);
        return out;
    }
}
