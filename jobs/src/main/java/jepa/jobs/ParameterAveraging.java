package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.settings.MethodConfig;
import jepa.settings.WorldConfig;
import jepa.data.EpochOrder;
import jepa.method.JepaNetwork;
import jepa.train.RunProtocol;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.data.BatchAssembler;
import jepa.train.Trainer;
import jepa.world.Normalization;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Data-parallel training of one model with dl4j-spark's parameter averaging (train.parallel.mode =
 * parameter-averaging): every epoch, the split's sequences are dealt into full batches of train.batch-size in an order
 * that depends only on (train.seed, epoch), assembled on the executors, and fitted by workers that average parameters
 * and updater state every averaging-frequency steps. dl4j-spark's direct approach: the epoch's batches are persisted
 * (memory, spilling to disk) and split into rounds; a lost executor's blocks and tasks are recomputed from the split's
 * Parquet files. (The export approach refuses a local default file system on a cluster, so it would need HDFS.)
 */
final class ParameterAveraging implements Trainer.EpochFitter {
    private static final StructType ASSIGNMENT = new StructType().add("seq_id", DataTypes.LongType, false)
            .add("batch", DataTypes.IntegerType, false).add("pos", DataTypes.IntegerType, false);

    static final int MAX_PARTITION_BATCHES = 256;

    private final SparkSession spark;
    private final JepaConfig cfg;
    private final Dataset<Row> rows;
    private final Normalization norm;
    private final EpochOrder order;
    private final int workers, batch, batches;
    private SparkComputationGraph sparkNet;

    ParameterAveraging(SparkSession spark, JepaConfig cfg, jepa.method.Method method, Dataset<Row> rows, Normalization norm) {
        this.spark = spark;
        this.cfg = cfg;
        this.rows = rows;
        this.norm = norm;
        this.batch = cfg.train().batchSize();
        int configured = cfg.parallel().workers();
        this.workers = configured > 0 ? configured : spark.sparkContext().defaultParallelism();
        this.order = RunProtocol.order(cfg, method);
        this.batches = (int) (order.count() / batch);
        if (batches < 1)
            throw new jepa.settings.ConfigError("train.batch-size = " + batch + " is larger than an epoch (" + order.count() + " sequences)");
    }

    @Override public int workers() { return workers; }

    /** dl4j-spark fits the batches in rounds of workers × averaging-frequency and counts a full round per round. */
    @Override
    public int stepsPerEpoch() {
        int freq = cfg.parallel().averagingFrequency(), perRound = workers * freq;
        return (batches + perRound - 1) / perRound * freq;
    }

    @Override
    public Fitted fit(JepaNetwork net, int epoch) {
        if (sparkNet == null || sparkNet.getNetwork() != net.graph()) sparkNet = sparkNetwork(net);
        long before = net.graph().getConfiguration().getIterationCount();
        JavaRDD<MultiDataSet> data = epochBatches(epoch);
        try {
            sparkNet.fitMultiDataSet(data);
        } finally {
            data.unpersist(false);
        }
        return new Fitted(net.graph().getConfiguration().getIterationCount() - before, sparkNet.getScore());
    }

    private SparkComputationGraph sparkNetwork(JepaNetwork net) {
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(cfg.parallel().averagingFrequency())
                .saveUpdater(true)                     // LARS momentum / Adam moments are averaged too
                .workerPrefetchNumBatches(2)
                .rngSeed(cfg.train().seed())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.NumPartitionsWorkersDiffers)
                .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
                .build();
        SparkComputationGraph s = new SparkComputationGraph(JavaSparkContext.fromSparkContext(spark.sparkContext()), net.graph(), tm);
        List<TrainingListener> listeners = new ArrayList<>(net.graph().getListeners() == null ? List.of() : net.graph().getListeners());
        if (!listeners.isEmpty()) s.setListeners(listeners);      // e.g. RSSM's gradient clipping, run on the workers
        return s;
    }

    /** The epoch's batches as MultiDataSets of exactly train.batch-size sequences (the remainder is left out). */
    JavaRDD<MultiDataSet> epochBatches(int epoch) {
        long[] order = this.order.ids(epoch);       // the same order as a single-node run's
        List<Row> assignment = new ArrayList<>(batches * batch);
        for (int i = 0; i < batches * batch; i++) assignment.add(RowFactory.create(order[i], i / batch, i % batch));
        // one partition per worker: dl4j-spark's balanced split then gives each worker its share of every round
        // without a shuffle per round; beyond MAX_PARTITION_BATCHES batches a worker (~1 GB at batch 64), more
        // partitions, which dl4j-spark repartitions per round
        int partitions = Math.min(batches, batches <= workers * MAX_PARTITION_BATCHES ? workers : (batches + MAX_PARTITION_BATCHES - 1) / MAX_PARTITION_BATCHES);
        Dataset<Row> dealt = rows.join(spark.createDataFrame(assignment, ASSIGNMENT), "seq_id")
                .repartitionByRange(partitions, col("batch")).sortWithinPartitions("batch", "pos");
        return dealt.select("seq_id", "frames", "locations", "actions", "batch").javaRDD()
                .mapPartitions(new Assemble(cfg.method(), cfg.world(), norm));
    }

    /** Consecutive rows of one batch → the method's MultiDataSet (runs on the executors). */
    static final class Assemble implements FlatMapFunction<Iterator<Row>, MultiDataSet> {
        private final MethodConfig method;
        private final WorldConfig world;
        private final Normalization norm;

        Assemble(MethodConfig method, WorldConfig world, Normalization norm) {
            this.method = method;
            this.world = world;
            this.norm = norm;
        }

        @Override
        public Iterator<MultiDataSet> call(Iterator<Row> it) {
            NetworkMethod m = Methods.network(method);
            BatchAssembler assembler = new BatchAssembler(norm, world);
            return new Iterator<>() {           // lazily: a partition may hold many batches
                Row pending = it.hasNext() ? it.next() : null;

                public boolean hasNext() { return pending != null; }

                public MultiDataSet next() {
                    if (pending == null) throw new java.util.NoSuchElementException();
                    int id = pending.getInt(4);
                    List<BatchAssembler.Stored> seqs = new ArrayList<>();
                    while (pending != null && pending.getInt(4) == id) {
                        seqs.add(Datasets.stored(pending));      // columns 0..3: seq_id, frames, locations, actions
                        pending = it.hasNext() ? it.next() : null;
                    }
                    return m.dataSet(assembler.assemble(seqs));
                }
            };
        }
    }
}
