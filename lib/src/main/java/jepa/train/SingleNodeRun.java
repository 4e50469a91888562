package jepa.train;

import jepa.config.JepaConfig;
import jepa.config.MethodConfig;
import jepa.config.ProbeConfig;
import jepa.method.Center;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Method;
import jepa.method.ProbeLoss;
import jepa.probe.AdamProbeParams;
import jepa.probe.LinearProbe;
import jepa.probe.MetricRow;
import jepa.probe.ProbeData;
import jepa.probe.ProbeEvaluation;
import jepa.world.Normalization;
import jepa.world.Split;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One run of a sweep, start to end on one node: the dataset's splits streamed from the generator, training (with
 * its checkpoints in {@code dir}, so a re-run resumes), then the probes with the lib's exact least-squares solver (or
 * the reference's Adam), evaluated on the test split. A failed run returns no metrics.
 */
public final class SingleNodeRun {
    private SingleNodeRun() {}

    /** The outcome (null for center) and the metric rows. */
    public record Result(Trainer.Outcome outcome, List<MetricRow> metrics) {}

    public static Result run(JepaConfig cfg, Path dir, Consumer<String> log) {
        var d = cfg.dataset();
        Normalization norm = GeneratedBatches.estimateNormalization(cfg.world(), cfg.noise(), d.seed(), d.train(), d.normBatch(), d.normBatches());
        GeneratedBatches test = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), Split.TEST, d.test(), 1, norm, 0);
        if (cfg.method().name().equals(MethodConfig.CENTER))
            return new Result(null, Center.evaluate(probeData(null, test, cfg.probe().batchSize()), ProbeEvaluation.ROLLOUT));
        Method method = Method.of(cfg.method());
        boolean onProbe = method.trainsOnProbeSplit();
        GeneratedBatches train = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), onProbe ? Split.PROBE_TRAIN : Split.TRAIN,
                onProbe ? d.probeTrain() : d.train(), cfg.train().batchSize(), norm, cfg.train().seed());
        JepaParams params = JepaParams.of(cfg.method(), cfg.world(), cfg.train().seed());
        Trainer trainer = new Trainer(method, params, cfg.train(), cfg.world().dots(), dir, log);
        Trainer.Outcome o = trainer.run(train);
        if (!o.finished()) return new Result(o, List.of());
        JepaNetwork net = new JepaNetwork(Trainer.load(trainer.modelFile()), params);   // fresh: any batch size
        GeneratedBatches probeTrain = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), Split.PROBE_TRAIN, d.probeTrain(), 1, norm, 0);
        ProbeData fit = probeData(net, probeTrain, cfg.probe().batchSize()), eval = probeData(net, test, cfg.probe().batchSize());
        ProbeConfig pc = cfg.probe();
        List<MetricRow> rows = new ArrayList<>();
        LinearProbe rollout = fitProbe(fit, pc, cfg.train().seed());
        rows.addAll(ProbeEvaluation.evaluate(rollout, eval, ProbeEvaluation.ROLLOUT, pc.solver()));
        rows.addAll(ProbeEvaluation.evaluate(rollout, fit, ProbeEvaluation.ROLLOUT_TRAIN, pc.solver()));
        rows.addAll(ProbeEvaluation.evaluate(fitProbe(firstStep(fit), pc, cfg.train().seed()), firstStep(eval), ProbeEvaluation.ENCODER, pc.solver()));
        if (cfg.method().name().equals(MethodConfig.SUPERVISED)) {
            INDArray w = ProbeLoss.probeWeights(net.graph(), JepaNetwork.LOSS);
            rows.addAll(ProbeEvaluation.evaluate(LinearProbe.of(w.toDoubleMatrix()), eval, ProbeEvaluation.ROLLOUT, "joint"));
        }
        return new Result(o, rows);
    }

    /** The configured solver in the lib: exact least squares, or the reference's Adam probe. */
    public static LinearProbe fitProbe(ProbeData data, ProbeConfig pc, long seed) {
        return pc.solver().equals(ProbeConfig.EXACT) ? LinearProbe.fitLeastSquares(data, 0)
                : LinearProbe.fitAdam(data, AdamProbeParams.of(pc.lr(), pc.epochs(), pc.batchSize(), seed));
    }

    /** The probe's data for a whole split (null network: targets only, for Center). */
    public static ProbeData probeData(JepaNetwork net, GeneratedBatches split, int batch) {
        List<INDArray> reps = new ArrayList<>(), targets = new ArrayList<>();
        for (Iterator<Batch> it = split.inOrder(batch); it.hasNext(); ) {
            Batch b = it.next();
            ProbeData p = net != null ? net.probeData(b) : ProbeData.targetsOnly(b.probeTargets());
            reps.add(p.representations());
            targets.add(p.targets());
        }
        return new ProbeData(Nd4j.concat(0, reps.toArray(INDArray[]::new)), Nd4j.concat(0, targets.toArray(INDArray[]::new)));
    }

    /** The encoder probe's data: frame 1 only (§5.3). */
    public static ProbeData firstStep(ProbeData p) {
        return new ProbeData(p.representations().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all()).dup('c'),
                p.targets().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all()).dup('c'));
    }
}
