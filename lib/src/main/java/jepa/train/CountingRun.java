package jepa.train;

import jepa.analysis.Bisimulation;
import jepa.analysis.Clusters;
import jepa.analysis.CollapseCheck;
import jepa.analysis.ObservationStrip;
import jepa.analysis.Transitions;
import jepa.config.JepaConfig;
import jepa.data.CountingBatch;
import jepa.data.CountingBatches;
import jepa.data.EpochOrder;
import jepa.data.Prefetch;
import jepa.method.Method;
import jepa.method.Methods;
import jepa.method.PJepa;
import jepa.method.PJepaNetwork;
import jepa.probe.DivergenceGuard;
import jepa.settings.ConfigError;
import jepa.settings.PJepaConfig;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A run on the counting world (seed 002): train a P-JEPA variant on the training split's transitions, streamed from the
 * generator in {@link EpochOrder}'s order over transition ids, with a checkpoint per epoch that a re-run resumes from.
 * At the start and after every epoch the embeddings are scored by {@link Clusters} (centroids from probe-train, scored
 * on test) into {@code clusters.csv}, and Theorem 3 is checked on D, the first pjepa.bisimulation-episodes training
 * episodes (the smallest embedding distance over the pairs D certifies non-bisimilar, against the median distance
 * within B*) into {@code theorem3.csv}, which keeps the latest checkpoint's: the trained encoder's. Where the
 * nearest-centroid accuracy of a trained checkpoint is best (the paper draws Fig. 2 where the clusters are most
 * compact) the run keeps its figures: {@code figure.csv} (count and embedding of the first pjepa.figure-observations
 * test observations of a fixed shuffle) and {@code strip.png} (observations beside the decoder's outputs).
 * No collapse guard: dynamics-only is expected to collapse; only a non-finite loss fails a run.
 */
public final class CountingRun {
    public static final String CLUSTERS = "clusters.csv", FIGURE = "figure.csv", STRIP = "strip.png", THEOREM3 = "theorem3.csv",
            BEST = "best.properties";
    static final int STRIP_OBSERVATIONS = 8, ENCODE_CHUNK = 256;

    private CountingRun() {}

    /** The data a run is evaluated on: fixed by the dataset, the same for every variant. */
    record EvaluationData(CountingBatches.Observations centroids, CountingBatches.Observations test, int[] figure,
                      CountingBatches.Observations d, Bisimulation.Result bisimulation) {}

    public static RunProtocol.Result run(JepaConfig cfg, Path dir, Consumer<String> log) {
        Method m = Methods.create(cfg.method());
        if (!(m instanceof PJepa method)) throw new ConfigError("method " + m.name() + " has no runs on the counting world");
        try {
            Files.createDirectories(dir);
            return new RunProtocol.Result(train(cfg, method, dir, log), List.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The evaluation sets of a config's dataset. */
    static EvaluationData evaluation(JepaConfig cfg) {
        CountingWorld world = new CountingWorld(cfg.counting());
        long seed = cfg.dataset().seed();
        PJepaConfig p = cfg.pjepa();
        CountingBatches.Observations test = CountingBatches.observations(world, seed, Split.TEST, cfg.dataset().test());
        CountingBatches.Observations d = CountingBatches.observations(world, seed, Split.TRAIN,
                Math.min(p.bisimulationEpisodes(), cfg.dataset().train()));
        return new EvaluationData(CountingBatches.observations(world, seed, Split.PROBE_TRAIN, cfg.dataset().probeTrain()), test,
                sample(test.size(), p.figureObservations(), seed), d, Bisimulation.solve(Transitions.of(world, d.episodes())));
    }

    /** The first k of a fixed shuffle of 0..n−1 (all of them when k ≥ n). */
    static int[] sample(int n, int k, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5F1A);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, Math.min(n, k));
    }

    private static Trainer.Outcome train(JepaConfig cfg, PJepa method, Path dir, Consumer<String> log) throws IOException {
        var t = cfg.train();
        int size = cfg.counting().imageSize(), b = t.batchSize();
        CountingWorld world = new CountingWorld(cfg.counting());
        CountingBatches source = new CountingBatches(world, cfg.dataset().seed(), Split.TRAIN, cfg.dataset().train());
        EpochOrder order = new EpochOrder(t.seed(), source.transitions(), t.sequencesPerEpoch(), t.epochs());
        int perEpoch = source.batchesPerEpoch(order, b);
        if (perEpoch == 0) throw new ConfigError("train.batch-size = " + b + " exceeds the " + order.count() + " transitions of an epoch");
        if (b % cfg.pjepa().decoderParts() != 0) throw new ConfigError("train.batch-size = " + b + " must be a multiple of pjepa.decoder-parts");
        long total = (long) perEpoch * t.epochs();
        Path model = dir.resolve("model.zip");
        RunState state = RunState.read(dir);
        PJepaNetwork net;
        EvaluationData eval = evaluation(cfg);
        String name = method.name();
        if (state != null && Files.exists(model)) {
            net = PJepaNetwork.of(Checkpoints.restore(model, state.status() == RunStatus.RUNNING), method, cfg.pjepa(), size);
            if (state.status() != RunStatus.RUNNING) {
                log.accept("[train " + name + "] already " + state.status().id() + " (" + state.epochsDone() + " epochs)");
                return new Trainer.Outcome(state.status(), state.reason(), state.epochsDone(), state.steps(), state.seconds(), 0, net.graph().numParams());
            }
            CsvLog.truncate(dir.resolve("curves.csv"), 0, state.steps());
            CsvLog.truncate(dir.resolve(CLUSTERS), 0, state.steps());
            log.accept(String.format(Locale.ROOT, "[train %s] resuming after epoch %d (step %d of %d)", name, state.epochsDone(), state.steps(), total));
        } else {
            net = PJepaNetwork.build(method, cfg.pjepa(), size, t.seed());
            state = new RunState(0, 0, RunStatus.RUNNING, "", 0);
            for (String f : List.of("curves.csv", CLUSTERS, FIGURE, STRIP, THEOREM3, BEST)) Files.deleteIfExists(dir.resolve(f));
            evaluate(net, eval, cfg, 0, dir, log);
            checkpoint(net, state, dir);
        }
        DivergenceGuard guard = new DivergenceGuard(t.collapseStd());
        CsvLog curves = new CsvLog(dir.resolve("curves.csv"), "step,term,value");
        long step = state.steps();
        double seconds = state.seconds();
        for (int epoch = state.epochsDone(); epoch < t.epochs(); epoch++) {
            long t0 = System.nanoTime();
            try (Prefetch<CountingBatch> it = new Prefetch<>(source.epoch(order, epoch, b, method.dynamics()), 1, "jepa-counting-batches")) {
                while (it.hasNext()) {
                    net.graph().fit(net.dataSet(it.next()));
                    step++;
                    double loss = net.graph().score();
                    Optional<String> bad = guard.check(loss, 1.0);
                    if (bad.isPresent()) return fail(net, state.with(epoch, step, seconds), bad.get() + " at step " + step, dir, log);
                    if (step % t.logEvery() == 0 || step == total) {
                        Map<String, Double> terms = net.terms();
                        long at = step;
                        curves.append(at, "loss", loss);
                        terms.forEach((k, v) -> curves.append(at, k, v));
                        double el = (System.nanoTime() - t0) / 1e9;
                        long done = step - (long) epoch * perEpoch;
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[train %s] step %d/%d (epoch %d/%d) loss %.5f",
                                name, step, total, epoch + 1, t.epochs(), loss));
                        terms.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.5f", k, v)));
                        line.append(String.format(Locale.ROOT, " | %.1f transitions/s", done * b / Math.max(el, 1e-9)));
                        log.accept(line.toString());
                    }
                }
            }
            curves.flush();
            seconds += (System.nanoTime() - t0) / 1e9;
            state = state.with(epoch + 1, step, seconds);
            evaluate(net, eval, cfg, step, dir, log);
            checkpoint(net, state, dir);
        }
        state = new RunState(state.epochsDone(), step, RunStatus.FINISHED, "", seconds);
        state.write(dir);
        return new Trainer.Outcome(RunStatus.FINISHED, "", state.epochsDone(), step, seconds,
                seconds > 0 ? (double) total * b / seconds : 0, net.graph().numParams());
    }

    /** A clusters row for this checkpoint; the figures and Theorem 3 when its accuracy is the best so far. */
    static void evaluate(PJepaNetwork net, EvaluationData e, JepaConfig cfg, long step, Path dir, Consumer<String> log) throws IOException {
        INDArray fit = encode(net, e.centroids()), z = encode(net, e.test());
        Clusters c = Clusters.of(fit, e.centroids().counts(), z, e.test().counts(), cfg.counting().maxCount());
        CsvLog rows = new CsvLog(dir.resolve(CLUSTERS), "step,nc_accuracy,rankme,feature_std,within_dist,across_dist");
        rows.append(step, c.ncAccuracy(), c.rankme(), c.featureStd(), c.withinDist(), c.acrossDist());
        rows.flush();
        theorem3(net, e, step, dir);
        Properties best = properties(dir.resolve(BEST));
        // the best TRAINED checkpoint: the start is the baseline row, never the figure
        boolean better = step > 0 && (best.isEmpty() || c.ncAccuracy() > Double.parseDouble(best.getProperty("nc_accuracy")));
        log.accept(String.format(Locale.ROOT, "[train %s] step %d: nearest-centroid accuracy %.3f, RankMe %.1f, feature std %.4f, "
                + "distance within %.4f / across %.4f%s", net.method().name(), step, c.ncAccuracy(), c.rankme(), c.featureStd(),
                c.withinDist(), c.acrossDist(), better ? " (best)" : ""));
        if (!better) return;
        figures(net, e, z, step, dir);
        best.setProperty("step", String.valueOf(step));
        best.setProperty("nc_accuracy", String.valueOf(c.ncAccuracy()));
        Path tmp = dir.resolve(BEST + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            best.store(w, "the checkpoint with the most compact clusters");
        }
        Files.move(tmp, dir.resolve(BEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Fig. 2's data at this checkpoint. */
    private static void figures(PJepaNetwork net, EvaluationData e, INDArray testZ, long step, Path dir) throws IOException {
        int[] counts = e.test().counts();
        StringBuilder f = new StringBuilder("step,index,count");
        for (int j = 0; j < testZ.size(1); j++) f.append(",z").append(j);
        f.append('\n');
        for (int i : e.figure()) {
            f.append(step).append(',').append(i).append(',').append(counts[i]);
            for (float v : testZ.getRow(i).toFloatVector()) f.append(',').append(v);
            f.append('\n');
        }
        Files.writeString(dir.resolve(FIGURE), f);
        int[] strip = java.util.Arrays.copyOf(e.figure(), Math.min(STRIP_OBSERVATIONS, e.figure().length));
        INDArray obs = e.test().images(strip);
        ObservationStrip.write(obs.mul(2), net.decode(obs), dir.resolve(STRIP));
    }

    /** Theorem 3 on D at this checkpoint (the file keeps the latest: the trained encoder's at the end). */
    private static void theorem3(PJepaNetwork net, EvaluationData e, long step, Path dir) throws IOException {
        INDArray dz = encode(net, e.d());
        float[][] emb = new float[e.d().size()][];
        for (int i = 0; i < emb.length; i++) emb[i] = dz.getRow(i).toFloatVector();
        Bisimulation.Result r = e.bisimulation();
        CollapseCheck check = CollapseCheck.of(r, emb);
        Files.writeString(dir.resolve(THEOREM3), "step,states,sources,classes,certified_pairs,min_certified_distance,median_within_distance,within_pairs\n"
                + step + "," + r.states() + "," + r.sources() + "," + (r.isEquivalence() ? String.valueOf(r.classes()) : "") + ","
                + r.certifiedPairs() + "," + check.minCertified() + "," + check.medianWithinClass() + "," + check.withinClassPairs() + "\n");
    }

    static INDArray encode(PJepaNetwork net, CountingBatches.Observations o) {
        return net.encode(o.images(0, o.size()), ENCODE_CHUNK);
    }

    private static Properties properties(Path f) throws IOException {
        Properties p = new Properties();
        if (Files.exists(f)) try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }

    private static Trainer.Outcome fail(PJepaNetwork net, RunState s, String reason, Path dir, Consumer<String> log) throws IOException {
        log.accept("[train " + net.method().name() + "] FAILED: " + reason);
        new RunState(s.epochsDone(), s.steps(), RunStatus.FAILED, reason, s.seconds()).write(dir);
        return new Trainer.Outcome(RunStatus.FAILED, reason, s.epochsDone(), s.steps(), s.seconds(), 0, net.graph().numParams());
    }

    /** Model first, then state: a kill between the two resumes from the previous state and replays one epoch. */
    private static void checkpoint(PJepaNetwork net, RunState s, Path dir) throws IOException {
        Path tmp = dir.resolve("model.zip.tmp");
        ModelSerializer.writeModel(net.graph(), tmp.toFile(), true);
        Files.move(tmp, dir.resolve("model.zip"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        s.write(dir);
    }

    /** The rows of a finished run's clusters.csv (for tests and tables): step and the five statistics. */
    public static List<double[]> clusters(Path dir) throws IOException {
        List<double[]> out = new ArrayList<>();
        Path f = dir.resolve(CLUSTERS);
        if (!Files.exists(f)) return out;
        List<String> lines = Files.readAllLines(f);
        for (String l : lines.subList(1, lines.size())) out.add(java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray());
        return out;
    }
}
