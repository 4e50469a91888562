package jepa.train;

import jepa.settings.TrainConfig;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.data.Batch;
import jepa.data.BatchSource;
import jepa.data.Prefetch;
import jepa.method.NetworkMethod;
import jepa.probe.DiagnosticRow;
import jepa.probe.Diagnostics;
import jepa.probe.DivergenceGuard;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Single-node training of one method, with a checkpoint per epoch that a re-run resumes from.
 * <p>
 * Files in the run folder: {@code model.zip} (DL4J model with updater state and iteration count),
 * {@code state.properties} (epochs done, steps, status, reason), {@code curves.csv} (step, term, value — every
 * {@code train.log-every} steps) and {@code diagnostics.csv} (per checkpoint, encoder and rollout). A resumed run
 * first drops the curve and diagnostic rows written after its checkpoint, so no row is ever duplicated.
 */
public final class Trainer {
    /**
     * Fits whole epochs somewhere else: the jobs' data-parallel training (parameter averaging over Spark executors).
     * The trainer keeps what it does for single-node runs (checkpoints, resume, divergence guard, curves,
     * diagnostics); the batch source then only gives the diagnostics batch.
     */
    public interface EpochFitter {
        /** Data-parallel workers: a step fits batch-size sequences on each. */
        int workers();

        /** Each worker's optimiser steps in one epoch (what the learning-rate schedule counts). */
        int stepsPerEpoch();

        /** Fits epoch {@code epoch} (0-based) into net's parameters and updater state. */
        Fitted fit(JepaNetwork net, int epoch);

        /** steps: each worker's optimiser steps; loss: the workers' mean score of the epoch's last averaging round. */
        record Fitted(long steps, double loss) {}
    }

    /** How a run ended: finished or failed. */
    public record Outcome(RunStatus status, String reason, int epochsDone, long steps, double trainSeconds, double sequencesPerSecond,
                          long numParams) {
        public boolean finished() { return status == RunStatus.FINISHED; }
    }

    /** Frames (0-based) whose representations get diagnostics: the first, then doubling steps as the reference logs. */
    public static final int[] DIAGNOSTIC_FRAMES = {0, 1, 2, 4, 8, 16};

    private final NetworkMethod method;
    private final JepaParams params;
    private final TrainConfig cfg;
    private final int dots;
    private final Path dir;
    private final Consumer<String> log;
    private final DivergenceGuard guard;

    public Trainer(NetworkMethod method, JepaParams params, TrainConfig cfg, int dots, Path dir, Consumer<String> log) {
        this.method = method;
        this.params = params;
        this.cfg = cfg;
        this.dots = dots;
        this.dir = dir;
        this.log = log;
        this.guard = new DivergenceGuard(cfg.collapseStd());
    }

    public Path modelFile() { return dir.resolve("model.zip"); }

    /** Trains (or resumes) to train.epochs; Random is only initialised and checkpointed. */
    public Outcome run(BatchSource source) { return run(source, null); }

    /** As {@link #run(BatchSource)}, with the epochs fitted by {@code parallel} when it is not null. */
    public Outcome run(BatchSource source, EpochFitter parallel) {
        try {
            Files.createDirectories(dir);
            return train(source, parallel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Outcome train(BatchSource source, EpochFitter parallel) throws IOException {
        int perEpoch = parallel != null ? parallel.stepsPerEpoch() : source.batchesPerEpoch();
        int workers = parallel != null ? parallel.workers() : 1;
        int epochs = method.trains() ? cfg.epochs() : 0;
        long total = (long) perEpoch * epochs;
        RunState state = RunState.read(dir);
        JepaNetwork net;
        if (state != null && Files.exists(modelFile())) {
            if (state.status() != RunStatus.RUNNING) {
                log.accept("[train " + method.name() + "] already " + state.status().id() + " (" + state.epochsDone() + " epochs)");
                net = new JepaNetwork(Checkpoints.restore(modelFile(), false), params);
                return new Outcome(state.status(), state.reason(), state.epochsDone(), state.steps(), state.seconds(), 0, net.numParams());
            }
            net = new JepaNetwork(Checkpoints.restore(modelFile(), true), params);
            method.configure(net.graph());           // listeners are not in the checkpoint
            CsvLog.truncate(dir.resolve("curves.csv"), 0, state.steps());
            CsvLog.truncate(dir.resolve("diagnostics.csv"), 0, state.epochsDone());
            log.accept(String.format(Locale.ROOT, "[train %s] resuming after epoch %d (step %d of %d)", method.name(), state.epochsDone(), state.steps(), total));
        } else {
            net = method.build(params, dots, cfg, perEpoch);
            state = new RunState(0, 0, RunStatus.RUNNING, "", 0);
            Files.deleteIfExists(dir.resolve("curves.csv"));
            Files.deleteIfExists(dir.resolve("diagnostics.csv"));
            Optional<String> bad = diagnose(net, source.diagnosticsBatch(), 0, Double.NaN);
            if (bad.isPresent()) return fail(net, state, bad.get());
            checkpoint(net, state);
        }
        CsvLog curves = new CsvLog(dir.resolve("curves.csv"), "step,term,value");
        long step = state.steps();
        double seconds = state.seconds();
        for (int epoch = state.epochsDone(); epoch < epochs; epoch++) {
            long t0 = System.nanoTime(), stepsThisEpoch = 0;
            double lastLoss = Double.NaN;
            if (parallel != null) {
                EpochFitter.Fitted f = parallel.fit(net, epoch);
                step += f.steps();
                stepsThisEpoch = f.steps();
                lastLoss = f.loss();
                Optional<String> bad = guard.check(f.loss(), 1.0);
                if (bad.isPresent()) return fail(net, state.with(epoch, step, seconds), bad.get() + " at step " + step);
                curves.append(step, "loss", f.loss());
                double el = (System.nanoTime() - t0) / 1e9;
                log.accept(String.format(Locale.ROOT, "[train %s] step %d/%d (epoch %d/%d) loss %.5f | %d workers, %.1f seq/s",
                        method.name(), step, total, epoch + 1, epochs, f.loss(), workers, (double) f.steps() * workers * cfg.batchSize() / Math.max(el, 1e-9)));
            } else try (Prefetch<Batch> it = new Prefetch<>(source.epoch(epoch), 1, "jepa-batches")) {
                // the next batch is read and assembled while this one trains
                while (it.hasNext()) {
                    Batch b = it.next();
                    net.graph().fit(method.dataSet(b));
                    step++;
                    stepsThisEpoch++;
                    double loss = net.graph().score();
                    lastLoss = loss;
                    Optional<String> bad = guard.check(loss, 1.0);
                    if (bad.isPresent()) return fail(net, state.with(epoch, step, seconds), bad.get() + " at step " + step);
                    if (step % cfg.logEvery() == 0 || step == total) {
                        Map<String, Double> terms = method.terms(net, b);
                        long at = step;
                        curves.append(at, "loss", loss);
                        terms.forEach((k, v) -> curves.append(at, k, v));
                        double el = seconds + (System.nanoTime() - t0) / 1e9;
                        double rate = cfg.batchSize() * (double) (step - state.steps()) / Math.max(1e-9, el - state.seconds());
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[train %s] step %d/%d (epoch %d/%d) loss %.5f",
                                method.name(), step, total, epoch + 1, epochs, loss));
                        terms.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.5f", k, v)));
                        line.append(String.format(Locale.ROOT, " | %.1f seq/s | ETA %s", rate, eta((total - step) * cfg.batchSize() / Math.max(rate, 1e-9))));
                        log.accept(line.toString());
                    }
                }
            }
            curves.flush();
            double epochSeconds = (System.nanoTime() - t0) / 1e9;
            seconds += epochSeconds;
            state = state.with(epoch + 1, step, seconds);
            Optional<String> bad = diagnose(net, source.diagnosticsBatch(), epoch + 1, lastLoss);
            if (bad.isPresent()) return fail(net, state, bad.get() + " after epoch " + (epoch + 1));
            checkpoint(net, state);
            log.accept(String.format(Locale.ROOT, "[train %s] epoch %d/%d done in %.1f s, checkpoint written", method.name(), epoch + 1, epochs, epochSeconds));
            if (stepsThisEpoch == 0) throw new IllegalStateException("epoch " + epoch + " had no batches");
        }
        if (source.diagnosticsBatch() != null) method.afterTraining(net, source.diagnosticsBatch(), dir);
        state = new RunState(state.epochsDone(), step, RunStatus.FINISHED, "", seconds);
        state.write(dir);
        long trained = step * cfg.batchSize() * workers;
        return new Outcome(RunStatus.FINISHED, "", state.epochsDone(), step, seconds, seconds > 0 ? trained / seconds : 0, net.numParams());
    }

    private Outcome fail(JepaNetwork net, RunState s, String reason) throws IOException {
        log.accept("[train " + method.name() + "] FAILED: " + reason);
        RunState failed = new RunState(s.epochsDone(), s.steps(), RunStatus.FAILED, reason, s.seconds());
        failed.write(dir);
        return new Outcome(RunStatus.FAILED, reason, s.epochsDone(), s.steps(), s.seconds(), 0, net.numParams());
    }

    /** Model first, then state: a kill between the two resumes from the previous state and replays one epoch. */
    private void checkpoint(JepaNetwork net, RunState s) throws IOException {
        Path tmp = dir.resolve("model.zip.tmp");
        ModelSerializer.writeModel(net.graph(), tmp.toFile(), true);
        Files.move(tmp, modelFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        s.write(dir);
    }

    /** Diagnostics rows for one checkpoint, and the collapse check on the encoder's feature stds. */
    private Optional<String> diagnose(JepaNetwork net, Batch b, int epoch, double loss) throws IOException {
        if (b == null) return Optional.empty();
        INDArray rollout = net.rollout(b.frames(), b.actions()).permute(0, 2, 1).dup('c');        // [n, 17, D]
        INDArray enc = net.encode(b.frames()).permute(0, 2, 1).dup('c');
        CsvLog out = new CsvLog(dir.resolve("diagnostics.csv"), "epoch,source,frame,feature_std,offdiag_cov,rankme,eff_rank");
        for (String source : List.of("encoder", "rollout")) {
            INDArray reps = source.equals("encoder") ? enc : rollout;
            for (int f : DIAGNOSTIC_FRAMES) {
                DiagnosticRow r = Diagnostics.of(source, f, reps.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(f), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'));
                out.append(epoch, r.source(), r.frame(), r.featureStd(), r.offdiagCov(), r.rankme(), r.effRank());
            }
        }
        out.flush();
        double[] stds = enc.reshape(enc.size(0) * enc.size(1), enc.size(2)).std(true, 0).toDoubleVector();
        return Double.isNaN(loss) && epoch == 0 ? guard.check(0.0, stds) : guard.check(loss, stds);
    }

    static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Reads the run state written by a trainer (null when the folder has none). */
    public static RunState state(Path dir) { return RunState.read(dir); }
}
