package jepa.train;

import jepa.config.JepaConfig;
import jepa.data.Batch;
import jepa.data.BatchSource;
import jepa.data.EpochOrder;
import jepa.data.GeneratedBatches;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Method;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.plan.GoalReaching;
import jepa.probe.MetricRow;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import jepa.world.Split;
import jepa.world.Worlds;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One run, the same way whichever job runs it: train the configured method ({@link Trainer}: checkpoints in the run
 * folder, resume, divergence guard) on a {@link BatchSource} visiting each epoch in {@link EpochOrder}'s order, then
 * {@link Evaluation} over the probe-train and test splits. The sweep runs both here on one node with its data streamed
 * from the generator ({@link #run}); the train and probe jobs call {@link #train} and {@link #evaluate} with Parquet
 * sources. A failed run gets no metrics.
 */
public final class RunProtocol {
    private RunProtocol() {}

    /** The outcome (null for a method without a network), the metrics rows and the planning rows. */
    public record Result(Trainer.Outcome outcome, List<MetricRow> metrics, List<GoalReaching.Row> planning) {}

    /**
     * The epochs' order of a config for {@code method} over its training split: train.sequences-per-epoch (k) fresh
     * sequences per epoch. A method that trains on probe-train (Supervised, as the reference's full-finetune probe,
     * which reads k fresh sequences an epoch too) reads k of probe-train an epoch, cycling over its blocks when it
     * holds fewer than epochs·k (paper scale: 10k of 300k an epoch, the reference's 1M passes over 300k distinct
     * sequences), and all of it when it holds fewer than k.
     */
    public static EpochOrder order(JepaConfig cfg, Method method) {
        long k = cfg.train().sequencesPerEpoch(), size = trainingSplitSize(cfg, method);
        if (method.trainingSplit() == Split.TRAIN) return new EpochOrder(cfg.train().seed(), size, k, cfg.train().epochs());
        return new EpochOrder(cfg.train().seed(), size, k < size ? k : 0, cfg.train().epochs(), true);
    }

    /** Sequences in the split {@code method} trains on. */
    public static long trainingSplitSize(JepaConfig cfg, Method method) {
        return method.trainingSplit() == Split.PROBE_TRAIN ? cfg.dataset().probeTrain() : cfg.dataset().train();
    }

    public static JepaParams params(JepaConfig cfg) { return JepaParams.of(cfg.method(), cfg.world(), cfg.train().seed()); }

    /** Trains a network method on {@code source} (its epochs fitted by {@code parallel} when not null). */
    public static Trainer.Outcome train(JepaConfig cfg, NetworkMethod method, BatchSource source, Trainer.EpochFitter parallel,
                                        Path dir, Consumer<String> log) {
        Trainer trainer = new Trainer(method, params(cfg), cfg.train(), MovingDots.of(cfg.world()).dots(), dir, log);
        return trainer.run(source, parallel);
    }

    /**
     * The evaluation of a finished run — its metrics rows and, with planning.episodes > 0, its goal-reaching rows — with
     * the trained network read from its folder (any batch size); a baseline has no network.
     */
    public static Result evaluate(JepaConfig cfg, Method method, Path dir, Evaluation.Splits splits, Normalization norm, Trainer.Outcome outcome) {
        JepaNetwork net = method instanceof NetworkMethod ? network(cfg, dir) : null;
        Evaluation.Evaluated e = Evaluation.evaluate(method, net, splits, cfg.probe(), cfg.train().seed(), cfg.method().embedding(),
                MovingDots.of(cfg.world()).dots());
        return new Result(outcome, e.rows(), Planning.run(cfg, net, norm, e.rollout(), dir));
    }

    /** A trained run's network, read from its folder without updater state. */
    static JepaNetwork network(JepaConfig cfg, Path dir) {
        return new JepaNetwork(Checkpoints.restore(dir.resolve("model.zip"), false), params(cfg));
    }

    /** A sweep's run on one node, as its world's runs go, its data streamed from the generator or collected by acting. */
    public static Result run(JepaConfig cfg, Path dir, Consumer<String> log) {
        return switch (Worlds.of(cfg.world().kind()).runKind()) {
            case PROBES -> probed(cfg, dir, log);
            case COUNT_CLUSTERS -> CountingRun.run(cfg, dir, log);
            case ACT -> AgentRuns.run(cfg, dir, log);
        };
    }

    /** Train, then probe: the splits streamed from the generator (the bytes the generate job writes). */
    static Result probed(JepaConfig cfg, Path dir, Consumer<String> log) {
        var d = cfg.dataset();
        Normalization norm = GeneratedBatches.estimateNormalization(cfg.world(), cfg.noise(), d.seed(), d.train(), d.normBatch(), d.normBatches());
        Method method = Methods.create(cfg.method());
        Trainer.Outcome outcome = null;
        if (method instanceof NetworkMethod n) {
            long size = trainingSplitSize(cfg, n);
            BatchSource train = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), n.trainingSplit(), size, cfg.train().batchSize(),
                    norm, order(cfg, n));
            outcome = train(cfg, n, train, null, dir, log);
            if (!outcome.finished()) return new Result(outcome, List.of(), List.of());
        }
        return evaluate(cfg, method, dir, generatedSplits(cfg, norm, dir, method), norm, outcome);
    }

    /** The probe-train and test splits from the generator, folded here through the run's network. */
    static Evaluation.Splits generatedSplits(JepaConfig cfg, Normalization norm, Path dir, Method method) {
        var d = cfg.dataset();
        JepaNetwork net = method instanceof NetworkMethod ? network(cfg, dir) : null;
        return new Evaluation.Splits() {
            @Override
            public <A> A fold(Split split, Evaluation.Fold<A> fold) {
                long count = split == Split.TEST ? d.test() : d.probeTrain();
                GeneratedBatches g = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), split, count, norm);
                A acc = fold.zero();
                for (Iterator<Batch> it = g.inOrder(cfg.probe().batchSize()); it.hasNext(); ) acc = fold.add(acc, net, it.next());
                return acc;
            }
        };
    }
}
