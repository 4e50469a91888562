package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.settings.MethodConfig;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.accel.Backend;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.world.MovingDots;
import jepa.world.RunKind;
import jepa.world.Worlds;
import jepa.accel.NativeThreads;
import jepa.data.Batch;
import jepa.data.BatchAssembler;
import jepa.world.ImageMoments;
import jepa.world.MovingDotWorld;
import jepa.world.Normalization;
import jepa.world.Split;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bench} job: training sequences/s (fit: forward, backward, optimizer step) per method and batch size,
 * inference (probe representation: the rollout) sequences/s, and the JVM's peak RSS, on generated batches of the
 * configured world. Medians over bench.steps after bench.warmup untimed steps, on as many threads as the train job
 * gives a network trained on the driver (the master's driver cores). No Spark needed.
 */
public final class Bench {
    private Bench() {}

    public record Row(String method, int batch, double trainSeqPerS, double inferSeqPerS, double peakRssMb, double stepSeconds, String backend) {}

    public static void run(Args args) {
        JepaConfig cfg = args.config();
        List<Row> rows = new ArrayList<>();
        // the threads the train job gives a network trained on the driver: the driver's cores (local[*]: all)
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(true);   // spark.* system properties, as a session would see them
        String master = args.master() != null ? args.master() : conf.get("spark.master", cfg.spark().master());
        int threads = SparkSessions.driverCores(master, conf);
        NativeThreads.set(threads);
        if (Worlds.of(cfg.world().kind()).runKind() == RunKind.ACT) {   // seed 003: the ViT step and the update cycle
            AgentBench.run(cfg, threads, args.csv());
            return;
        }
        if (!args.csv()) Main.RESULTS.printf(Locale.ROOT, "bench: world %s, MeNet5 w=%d D=%d, %d GRU layer(s), backend %s, %d thread(s) for BLAS and loops (master %s; libnd4j OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s, OPENBLAS_THREAD_TIMEOUT=%s)%n",
                cfg.world().kind(), cfg.method().width(), cfg.method().embedding(), cfg.method().gruLayers(), Backend.current().id(),
                threads, master, System.getenv("OMP_NUM_THREADS"), System.getenv("OMP_WAIT_POLICY"), System.getenv("OPENBLAS_THREAD_TIMEOUT"));
        for (String m : cfg.bench().methods())
            for (int b : cfg.bench().batchSizes()) {
                Row r = measure(cfg, m, b);
                rows.add(r);
                if (!args.csv()) System.err.printf(Locale.ROOT, "  %s batch %d: %.1f train seq/s%n", m, b, r.trainSeqPerS());
            }
        print(rows, args.csv());
    }

    static Row measure(JepaConfig cfg, String methodName, int batchSize) {
        MethodConfig mc = cfg.methodConfig(methodName);
        NetworkMethod method = Methods.network(mc);
        Batch batch = batch(cfg, batchSize);
        JepaNetwork net = method.build(JepaParams.of(mc, cfg.world(), cfg.train().seed()), MovingDots.of(cfg.world()).dots(), cfg.train(), 100);
        MultiDataSet ds = method.dataSet(batch);
        double[] fit = time(cfg, () -> net.graph().fit(ds));
        double[] infer = time(cfg, () -> net.rollout(batch.frames(), batch.actions()));
        double f = median(fit), i = median(infer);
        return new Row(methodName, batchSize, batchSize / f, batchSize / i, peakRssMb(), f, Backend.current().id());
    }

    /** Seconds of each of bench.steps runs of step, after bench.warmup runs. */
    static double[] time(JepaConfig cfg, Runnable step) {
        for (int k = 0; k < cfg.bench().warmup(); k++) step.run();
        double[] t = new double[cfg.bench().steps()];
        for (int k = 0; k < t.length; k++) {
            long t0 = System.nanoTime();
            step.run();
            t[k] = (System.nanoTime() - t0) / 1e9;
        }
        return t;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A batch of generated sequences, normalised with its own image statistics. */
    static Batch batch(JepaConfig cfg, int n) {
        MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TRAIN);
        ImageMoments m = new ImageMoments(MovingDots.of(cfg.world()).dots());
        List<BatchAssembler.Stored> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MovingDotWorld.Sequence s = world.generate(cfg.dataset().seed(), Split.TRAIN, i);
            m.add(s.frames(), cfg.world().imageSize() * cfg.world().imageSize());
            seqs.add(new BatchAssembler.Stored(s.frames(), s.locations(), s.actions()));
        }
        return new BatchAssembler(Normalization.estimate(List.of(m), cfg.world()), cfg.world()).assemble(seqs);
    }

    /** The process's peak resident set (VmHWM), in MB; NaN where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static void print(List<Row> rows, boolean csv) {
        if (csv) {
            Main.RESULTS.println("method,batch,train_seq_per_s,infer_seq_per_s,peak_rss_mb,train_step_s,backend");
            for (Row r : rows)
                Main.RESULTS.printf(Locale.ROOT, "%s,%d,%.2f,%.2f,%.0f,%.3f,%s%n", r.method(), r.batch(), r.trainSeqPerS(), r.inferSeqPerS(),
                        r.peakRssMb(), r.stepSeconds(), r.backend());
            return;
        }
        Main.RESULTS.printf(Locale.ROOT, "%-11s %6s %16s %16s %12s %12s%n", "method", "batch", "train seq/s", "infer seq/s", "peak RSS MB", "train step s");
        for (Row r : rows)
            Main.RESULTS.printf(Locale.ROOT, "%-11s %6d %16.1f %16.1f %12.0f %12.3f%n", r.method(), r.batch(), r.trainSeqPerS(), r.inferSeqPerS(), r.peakRssMb(), r.stepSeconds());
    }
}
