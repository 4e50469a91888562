package jepa.train;

import jepa.data.Batch;
import jepa.method.Baseline;
import jepa.method.Hierarchical;
import jepa.method.ProbeView;
import jepa.method.JepaNetwork;
import jepa.method.Method;
import jepa.method.NetworkMethod;
import jepa.probe.AdamProbeParams;
import jepa.probe.ErrorSums;
import jepa.probe.LinearProbe;
import jepa.probe.MetricRow;
import jepa.probe.Predictor;
import jepa.probe.ProbeData;
import jepa.probe.ProbeEvaluation;
import jepa.probe.ProbeFit;
import jepa.settings.ProbeConfig;
import jepa.world.Split;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation of a dot-world run — one set of rules whether a job folds the splits on one node or over Spark
 * executors (reference §5): the rollout probe (one bias-free linear map shared over the 17 steps: frame 1 encoded, frames
 * 2..17 from the GRU rollout, inference-mode BatchNorm) and the encoder probe (frame 1), fitted on ALL of probe-train
 * (exact least squares, or the reference's Adam), scored on the test split ("rollout", "encoder") and on probe-train
 * itself ("rollout_train": what hyper-parameter selection may look at), plus the method's own probes on test
 * (Supervised's "joint"). A baseline (Center) is scored on the test split with its fixed predictor.
 */
public final class Evaluation {
    private Evaluation() {}

    /** A fold of a split's batches (through the trained network; null for a baseline) into a mergeable result. */
    public interface Fold<A> extends Serializable {
        A zero();

        A add(A acc, JepaNetwork net, Batch b);

        A merge(A a, A b);
    }

    /** A trained run's dataset splits, as a job provides them: each fold sees every sequence of the split once. */
    public interface Splits {
        <A> A fold(Split split, Fold<A> fold);
    }

    /**
     * The metrics rows of a run of {@code method}. {@code net} is the trained network on the caller's side (for the
     * method's own probes; null for a baseline), {@code splits} folds through the same network wherever the data is.
     */
    public static Evaluated evaluate(Method method, JepaNetwork net, Splits splits, ProbeConfig pc, long seed, int dim, int dots) {
        if (method instanceof Baseline b)
            return new Evaluated(splits.fold(Split.TEST, new Score(ProbeView.ROLLOUT,
                    List.of(new Scored(ProbeEvaluation.ROLLOUT, b.solver(), b.predictor(dots), false)))).rows(), null);
        LinearProbe rollout, encoder;
        if (pc.solver().equals(ProbeConfig.EXACT)) {
            ProbeFit fit = splits.fold(Split.PROBE_TRAIN, new Fit(ProbeView.ROLLOUT, dim, dots));
            rollout = fit.rollout();
            encoder = fit.encoder();
        } else {
            ProbeData all = splits.fold(Split.PROBE_TRAIN, new Collect(ProbeView.ROLLOUT)).data();
            AdamProbeParams a = AdamProbeParams.of(pc.lr(), pc.epochs(), pc.batchSize(), seed);
            rollout = LinearProbe.fitAdam(all, a);
            encoder = LinearProbe.fitAdam(ProbeFit.firstStep(all), a);
        }
        List<Scored> test = new ArrayList<>(List.of(new Scored(ProbeEvaluation.ROLLOUT, pc.solver(), rollout, false),
                new Scored(ProbeEvaluation.ENCODER, pc.solver(), encoder, true)));
        for (Map.Entry<String, Predictor> own : ((NetworkMethod) method).ownProbes(net).entrySet())
            test.add(new Scored(ProbeEvaluation.ROLLOUT, own.getKey(), own.getValue(), false));
        List<MetricRow> rows = new ArrayList<>(splits.fold(Split.TEST, new Score(ProbeView.ROLLOUT, test)).rows());
        rows.addAll(splits.fold(Split.PROBE_TRAIN, new Score(ProbeView.ROLLOUT, List.of(new Scored(ProbeEvaluation.ROLLOUT_TRAIN, pc.solver(), rollout, false)))).rows());
        if (method instanceof Hierarchical h) rows.addAll(levelTwo(h, splits, dots));
        return new Evaluated(rows, rollout);
    }

    /** The metrics rows, and the rollout probe they came from (null for a baseline): planning reads positions with it. */
    public record Evaluated(List<MetricRow> rows, LinearProbe rollout) {}

    /**
     * A hierarchical method's second level (H-JEPA): its own exact linear probe fitted on probe-train's level-2 rollout
     * (one state per window) against the dots at the windows' last frames, scored on test; metrics rows "rollout_l2"
     * whose step is that frame, so they line up with the level-1 rollout rows of the same steps.
     */
    public static List<MetricRow> levelTwo(Hierarchical h, Splits splits, int dots) {
        ProbeView view = h.levelTwoView();
        LinearProbe probe = splits.fold(Split.PROBE_TRAIN, new Fit(view, h.levelTwoDim(), dots)).rollout();
        List<MetricRow> rows = new ArrayList<>();
        for (MetricRow r : splits.fold(Split.TEST, new Score(view, List.of(new Scored(Hierarchical.ROLLOUT_L2, ProbeConfig.EXACT, probe, false)))).rows())
            rows.add(new MetricRow(r.probe(), r.solver(), h.windowEnd(r.step()), r.dot(), r.mse(), r.rmse(), r.rmsePx()));
        return rows;
    }

    /** One predictor to score: its metrics names, and whether it sees frame 1 only (the encoder probe). */
    record Scored(String probe, String solver, Predictor predictor, boolean firstStep) implements Serializable {}

    record Score(ProbeView view, List<Scored> predictors) implements Fold<ErrorSums> {
        public ErrorSums zero() { return new ErrorSums(); }

        public ErrorSums add(ErrorSums acc, JepaNetwork net, Batch b) {
            ProbeData p = view.of(net, b), first = null;
            for (Scored s : predictors) {
                if (s.firstStep() && first == null) first = ProbeFit.firstStep(p);
                acc.add(s.probe(), s.solver(), s.predictor(), s.firstStep() ? first : p);
            }
            return acc;
        }

        public ErrorSums merge(ErrorSums a, ErrorSums b) { return a.merge(b); }
    }

    record Fit(ProbeView view, int dim, int dots) implements Fold<ProbeFit> {
        public ProbeFit zero() { return new ProbeFit(dim, dots); }
        public ProbeFit add(ProbeFit acc, JepaNetwork net, Batch b) { return acc.add(view.of(net, b)); }
        public ProbeFit merge(ProbeFit a, ProbeFit b) { return a.merge(b); }
    }

    /** The whole split's probe data, kept in sequence-id order (the Adam probe's minibatches depend on the order). */
    static final class Collected implements Serializable {
        final TreeMap<Long, float[][]> bySeq = new TreeMap<>();
        long[] repShape, targetShape;

        ProbeData data() {
            int n = bySeq.size();
            long[] r = repShape.clone(), t = targetShape.clone();
            r[0] = n;
            t[0] = n;
            int rl = (int) (r[1] * r[2]), tl = (int) (t[1] * t[2] * t[3]), i = 0;
            float[] reps = new float[n * rl], targets = new float[n * tl];
            for (float[][] s : bySeq.values()) {
                System.arraycopy(s[0], 0, reps, i * rl, rl);
                System.arraycopy(s[1], 0, targets, i * tl, tl);
                i++;
            }
            return new ProbeData(Nd4j.create(reps, r, 'c'), Nd4j.create(targets, t, 'c'));
        }
    }

    record Collect(ProbeView view) implements Fold<Collected> {
        public Collected zero() { return new Collected(); }

        public Collected add(Collected acc, JepaNetwork net, Batch b) {
            if (b.ids() == null) throw new IllegalArgumentException("the Adam probe needs the sequences' ids");
            ProbeData p = view.of(net, b);
            acc.repShape = p.representations().shape();
            acc.targetShape = p.targets().shape();
            INDArray reps = p.representations().dup('c'), targets = p.targets().dup('c');
            for (int i = 0; i < b.size(); i++)
                acc.bySeq.put(b.ids()[i], new float[][]{reps.getRow(i).dup('c').data().asFloat(), targets.getRow(i).dup('c').data().asFloat()});
            return acc;
        }

        public Collected merge(Collected a, Collected b) {
            if (a.repShape == null) return b;
            a.bySeq.putAll(b.bySeq);
            return a;
        }
    }
}
