package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report over synthetic result tables: Table 1 and Fig. 3 numbers against hand computations, files and plots. */
class ReportTest extends SparkTest {
    @TempDir Path dir;

    private final List<Row> runs = new ArrayList<>(), metrics = new ArrayList<>(), diagnostics = new ArrayList<>(), curves = new ArrayList<>();

    /** The report's config: the data root, and the setting of the per-step and diagnostics plots. */
    private JepaConfig config() {
        return JepaConfig.load(null, List.of("data-root=" + dir, "world.kind=single", "noise.kind=uniform", "noise.temporal=changing",
                "noise.alpha=0.5"));
    }

    /** A runs row; params hold the method, a learning rate (the hyper-parameter) and the seed. Returns the run id. */
    private String run(String method, String world, String temporal, String kind, float alpha, String lr, long seed, String status) {
        String id = String.join("-", method, world, temporal, kind, "a" + alpha, "lr" + lr, "s" + seed, "0123abcd");
        Map<String, String> params = new TreeMap<>(Map.of("method.name", method, "train.base-lr", lr, "train.seed", String.valueOf(seed)));
        Timestamp t = new Timestamp(0);
        String dataset = kind + "-" + temporal + "-a" + alpha + "-s1";
        runs.add(RowFactory.create(id, method, world, kind, temporal, alpha, seed, dataset, scala.collection.JavaConverters.mapAsScalaMap(params),
                status, "", t, t, 10L, "hash", 1, 1L, 1.0, 1.0, "java"));
        return id;
    }

    /** 17 steps × dots metrics rows with mse(step, dot). */
    private void metrics(String id, String probe, String solver, int dots, BiFunction<Integer, Integer, Double> mse) {
        for (int t = 0; t < 17; t++)
            for (int j = 0; j < dots; j++) {
                double m = mse.apply(t, j);
                metrics.add(RowFactory.create(id, probe, solver, t, j, m, Math.sqrt(m), Math.sqrt(2 * m) * 21.8));
            }
    }

    private void constant(String id, String probe, double mse) { metrics(id, probe, "exact", 1, (t, j) -> mse); }

    private void training(String id) {
        for (int e = 0; e <= 2; e++) {
            diagnostics.add(RowFactory.create(id, e, "encoder", 0, 1.0 / (e + 1), 0.1, 10.0 + e, 5.0 + e));
            diagnostics.add(RowFactory.create(id, e, "rollout", 1, 99.0, 99.0, 99.0, 99.0));   // not plotted: rollout source
            curves.add(RowFactory.create(id, 10L * e, "loss", 3.0 - e));
        }
    }

    private void writeTables() {
        ResultTables.replaceRuns(spark, dir.toString(), "runs", runs, Runs.RUNS);
        ResultTables.replaceRuns(spark, dir.toString(), "metrics", metrics, Runs.METRICS);
        ResultTables.replaceRuns(spark, dir.toString(), "diagnostics", diagnostics, Runs.DIAGNOSTICS);
        ResultTables.replaceRuns(spark, dir.toString(), "curves", curves, Runs.CURVES);
    }

    /** A stand-in dataset folder: one Parquet file (for the sequences view) and its _dataset.json with the split sizes. */
    private void dataset(String world, String name, long train, long probeTrain, long test) throws IOException {
        Path d = dir.resolve(world).resolve(name);
        spark.range(1).write().parquet(d.resolve("split=train").toString());
        Files.writeString(d.resolve(Generate.METADATA), String.format(java.util.Locale.ROOT,
                "{\"world\": \"%s\", \"dataset\": \"%s\", \"counts\": {\"train\": %d, \"probe_train\": %d, \"test\": %d}}",
                world, name, train, probeTrain, test));
    }

    /** CSV rows keyed by the header's column names. */
    private static List<Map<String, String>> csv(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        String[] h = lines.get(0).split(",");
        List<Map<String, String>> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] v = l.split(",", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < h.length; i++) m.put(h[i], v[i]);
            out.add(m);
        }
        return out;
    }

    private static double num(Map<String, String> row, String col) { return Double.parseDouble(row.get(col)); }

    private static BufferedImage png(Path f) throws IOException {
        assertTrue(Files.isRegularFile(f), f + " exists");
        BufferedImage img = ImageIO.read(f.toFile());
        assertNotNull(img, f + " decodes as an image");
        return img;
    }

    @Test
    void tableOneFigThreePerStepAndDiagnostics() throws IOException {
        // 3-dot world, noise-free; dots: 0 action (controlled), 1 random, 2 stationary
        String v1 = run("vicreg", "three-dots", "changing", "uniform", 0f, "0.1", 1, "finished");
        metrics(v1, "rollout", "exact", 3, (t, j) -> new double[]{0.04, 0.09, 0.01}[j]);
        metrics.add(RowFactory.create(v1, "encoder", "exact", 0, 0, 9.0, 3.0, 1.0));   // the encoder probe is not the metric
        String v2 = run("vicreg", "three-dots", "changing", "uniform", 0f, "0.1", 2, "finished");
        metrics(v2, "rollout", "exact", 3, (t, j) -> j == 0 ? (t % 2 == 0 ? 0.02 : 0.06) : j == 1 ? 0.16 : 0.0025);
        String s1 = run("simclr", "three-dots", "changing", "uniform", 0f, "0.1", 1, "finished");
        metrics(s1, "rollout", "exact", 3, (t, j) -> Math.pow(new double[]{0.193, 0.193, 0.025}[j], 2));
        String sup = run("supervised", "three-dots", "changing", "uniform", 0f, "0.1", 1, "finished");
        metrics(sup, "rollout", "joint", 3, (t, j) -> 1e-4);   // its own probe wins over the refitted one
        metrics(sup, "rollout", "exact", 3, (t, j) -> 0.25);
        run("idm", "three-dots", "changing", "uniform", 0f, "0.1", 1, "failed");   // no metrics: absent

        // single dot, changing uniform α = 0.5: two learning rates; 0.1 has the lower probe-train error (0.2's test error is lower)
        for (long seed : new long[]{1, 2}) {
            String a = run("vicreg", "single", "changing", "uniform", 0.5f, "0.1", seed, "finished");
            constant(a, "rollout", seed == 1 ? 0.04 : 0.09);
            constant(a, "rollout_train", 0.05);
            training(a);
            String b = run("vicreg", "single", "changing", "uniform", 0.5f, "0.2", seed, "finished");
            constant(b, "rollout", 0.01);
            constant(b, "rollout_train", 0.08);
            if (seed == 1) training(b);   // not selected: absent from the diagnostics
        }
        // α = 1: no probe-train errors, so all four runs are pooled
        double[][] alpha1 = {{0.16, 0.25}, {0.36, 0.49}};
        for (int h = 0; h < 2; h++)
            for (int s = 0; s < 2; s++) constant(run("vicreg", "single", "changing", "uniform", 1f, h == 0 ? "0.1" : "0.2", s + 1, "finished"), "rollout", alpha1[h][s]);
        constant(run("center", "single", "changing", "uniform", 0.5f, "0.1", 1, "finished"), "rollout", 0.0924);
        constant(run("simclr", "single", "fixed", "structured", 1f, "0.1", 1, "finished"), "rollout", 0.01);
        constant(run("simclr", "single", "fixed", "structured", 1f, "0.1", 2, "finished"), "rollout", 0.04);
        run("vicreg", "single", "fixed", "structured", 1f, "0.1", 1, "running");
        writeTables();
        JepaConfig cfg = config();
        dataset("single", "uniform-changing-a0.5-s1", 8, 6, 4);

        Report.ReportResult res = Report.report(spark, cfg);
        Path out = dir.resolve("results").resolve("report");
        assertEquals(List.of("table1.csv", "table1.md", "table1.png", "fig3.csv", "fig3.png", "per_step.csv", "per_step.png", "selection.csv", "slow_features.csv",
                "diagnostics.csv", "diagnostics.png", "report.md"), res.files());
        assertEquals(2 + 1 + 1 + 2 + 4 + 1 + 2, res.selectedRuns(), "3-dot: 2 vicreg, simclr, supervised; single: 2 + 4 vicreg, center, 2 simclr");

        // Table 1
        List<Map<String, String>> t1 = csv(out.resolve("table1.csv"));
        assertEquals(List.of("vicreg", "simclr", "supervised"), t1.stream().map(r -> r.get("method")).toList(), "paper order; failed idm absent");
        Map<String, String> vic = t1.get(0);
        double a2 = Math.sqrt((9 * 0.02 + 8 * 0.06) / 17.0);   // mean over steps in MSE space, then the root
        assertEquals("2", vic.get("n_seeds"));
        assertEquals((0.2 + a2) / 2, num(vic, "action_mean"), 1e-12);
        assertEquals(Math.abs(0.2 - a2) / Math.sqrt(2), num(vic, "action_std"), 1e-12, "sample std of two seeds");
        assertEquals(0.35, num(vic, "random_mean"), 1e-12);
        assertEquals(0.1 / Math.sqrt(2), num(vic, "random_std"), 1e-12);
        assertEquals(0.075, num(vic, "stationary_mean"), 1e-12);
        double avg1 = Math.sqrt((0.04 + 0.09 + 0.01) / 3), avg2 = Math.sqrt((a2 * a2 + 0.16 + 0.0025) / 3);
        assertEquals((avg1 + avg2) / 2, num(vic, "average_mean"), 1e-12, "Average = √(mean of squared per-dot RMSE), then mean over seeds");
        assertEquals(Math.abs(avg1 - avg2) / Math.sqrt(2), num(vic, "average_std"), 1e-12);
        Map<String, String> sim = t1.get(1);
        assertEquals(0.158, num(sim, "average_mean"), 5e-4, "reference §5.4: SimCLR (0.193, 0.193, 0.025) → 0.158, not the mean 0.137");
        assertEquals(0.193, num(sim, "action_mean"), 1e-12);
        assertEquals("", sim.get("average_std"), "one seed: no std");
        assertEquals(0.01, num(t1.get(2), "action_mean"), 1e-12, "supervised: the joint probe's rows");
        assertEquals(0.01, num(t1.get(2), "average_mean"), 1e-12);

        // Fig. 3
        List<Map<String, String>> f3 = csv(out.resolve("fig3.csv"));
        List<String> keys = f3.stream().map(r -> String.join("/", r.get("noise_temporal"), r.get("noise_kind"), r.get("method"), r.get("alpha"),
                r.get("n_seeds"), r.get("n_runs"), r.get("selection"))).toList();
        assertEquals(List.of("changing/uniform/vicreg/0.5/2/2/probe_train", "changing/uniform/vicreg/1.0/2/4/all runs",
                "changing/uniform/center/0.5/1/1/all runs", "fixed/structured/simclr/1.0/2/2/all runs"), keys);
        assertEquals(0.25, num(f3.get(0), "rmse_mean"), 1e-12, "lr 0.1 chosen on probe-train (0.05 < 0.08), not lr 0.2's lower test error");
        assertEquals(0.05 * Math.sqrt(2), num(f3.get(0), "rmse_std"), 1e-12);
        assertEquals(0.55, num(f3.get(1), "rmse_mean"), 1e-12, "pooled: mean of 0.4, 0.5, 0.6, 0.7");
        assertEquals(Math.sqrt(0.05 / 3), num(f3.get(1), "rmse_std"), 1e-12);
        assertEquals(Math.sqrt(0.0924), num(f3.get(2), "rmse_mean"), 1e-12);
        assertEquals("", f3.get(2).get("rmse_std"));
        assertEquals(0.15, num(f3.get(3), "rmse_mean"), 1e-12);

        List<Map<String, String>> sel = csv(out.resolve("selection.csv"));
        Map<String, String> chosen = sel.stream().filter(r -> r.get("world").equals("single") && r.get("method").equals("vicreg")
                && r.get("alpha").equals("0.5")).findFirst().orElseThrow();
        assertEquals("probe_train", chosen.get("selection"));
        assertEquals("method.name=vicreg;train.base-lr=0.1", chosen.get("chosen_params"), "the seed is not a hyper-parameter");
        assertEquals("2", chosen.get("parameter_sets"));

        // per-step curves of the configured setting (single, changing uniform, α = 0.5); the CSV holds every setting
        List<Map<String, String>> ps = csv(out.resolve("per_step.csv"));
        List<Map<String, String>> vicSingle = ps.stream().filter(r -> r.get("world").equals("single") && r.get("method").equals("vicreg")
                && r.get("alpha").equals("0.5")).toList();
        assertEquals(17, vicSingle.size());
        assertEquals(0.25, num(vicSingle.get(16), "rmse_mean"), 1e-12);
        List<Map<String, String>> vic3 = ps.stream().filter(r -> r.get("world").equals("three-dots") && r.get("method").equals("vicreg")).toList();
        assertEquals(Math.sqrt((0.02 + 0.16 + 0.0025) / 3), num(vic3.get(0), "rmse_mean") * 2 - Math.sqrt((0.04 + 0.09 + 0.01) / 3), 1e-12,
                "step 0 of seed 2: √(mean over dots)");

        // diagnostics: the selected runs only (lr 0.1, two seeds), encoder frame 0, three epochs each
        List<Map<String, String>> dg = csv(out.resolve("diagnostics.csv"));
        assertEquals(6, dg.size());
        assertTrue(dg.stream().allMatch(r -> r.get("run_id").contains("lr0.1") && num(r, "rankme") < 99));

        BufferedImage fig3 = png(out.resolve("fig3.png"));   // a panel per noise setting with runs: two, side by side
        assertEquals(2 * BandChart.W, fig3.getWidth());
        assertEquals(BandChart.H, fig3.getHeight());
        BufferedImage step = png(out.resolve("per_step.png"));
        assertEquals(640, step.getWidth());
        assertEquals(2 * 640, png(out.resolve("diagnostics.png")).getWidth());

        String md = Files.readString(out.resolve("report.md"));
        assertEquals(res.markdown(), md);
        assertTrue(md.startsWith("# jepa-spark report"), md);
        assertTrue(md.contains("- data root: `" + dir + "`"), md);
        assertTrue(md.contains("- runs: 13 in the report (runs table: 1 failed, 15 finished, 1 running); 2 seed(s) [1, 2]"), md);
        assertTrue(md.contains("- scale: **custom**"), md);
        assertTrue(md.contains("single/uniform-changing-a0.5-s1 (3 runs): 8 / 6 / 4"), md);
        assertTrue(md.contains("structured-fixed-a1.0-s1 (2 runs): unknown"), md);
        assertTrue(md.contains("| method | noise | α | seeds | Average | Action | Random | Stationary | selection |"), md);
        assertTrue(md.contains("| simclr | changing uniform | 0.0 | 1 | 0.158 (paper 0.158, Δ +0.000) | 0.193 (paper 0.193, Δ -0.000) | "
                + "0.193 (paper 0.193, Δ -0.000) | 0.025 (paper 0.025, Δ +0.000) | all runs |"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| vicreg | changing uniform | 0.0 | 2 | %.3f ± %.3f (paper 0.229, Δ %+.3f) |",
                (avg1 + avg2) / 2, Math.abs(avg1 - avg2) / Math.sqrt(2), (avg1 + avg2) / 2 - 0.229)), md);
        assertTrue(md.contains("| vicreg | 0.250 ± 0.071 | 0.550 ± 0.129 |"), "Fig. 3 panel row: " + md);
        assertTrue(md.contains("![Fig. 3: RMSE vs alpha](fig3.png)") && md.contains("![diagnostics](diagnostics.png)"), md);
        assertTrue(md.contains(Files.readString(out.resolve("table1.md"))), "table1.md is report.md's Table 1");
    }

    @Test
    void partialTablesAndAnEmptyDataRoot() throws IOException {
        ConfigError e = assertThrows(ConfigError.class, () -> Report.report(spark, config()));
        assertTrue(e.getMessage().contains("no runs/metrics tables"), e.getMessage());

        // runs without metrics: a clear message, not a crash
        run("vicreg", "single", "changing", "uniform", 0.5f, "0.1", 1, "running");
        ResultTables.replaceRuns(spark, dir.toString(), "runs", runs, Runs.RUNS);
        constant("some-other-run", "rollout", 0.1);   // metrics of a run the runs table does not know
        ResultTables.replaceRuns(spark, dir.toString(), "metrics", metrics, Runs.METRICS);
        e = assertThrows(ConfigError.class, () -> Report.report(spark, config()));
        assertTrue(e.getMessage().contains("no finished run with rollout metrics"), e.getMessage());

        // one single-dot run in another setting than the configured one; no 3-dot runs, no diagnostics or curves tables
        constant(run("idm", "single", "fixed", "uniform", 2f, "0.1", 3, "finished"), "rollout", 0.09);
        writeTables();
        Report.ReportResult res = Report.report(spark, config());
        Path out = dir.resolve("results").resolve("report");
        assertEquals(List.of("table1.csv", "table1.md", "fig3.csv", "fig3.png", "per_step.csv", "per_step.png", "selection.csv",
                        "slow_features.csv", "report.md"),
                res.files());
        assertEquals(1, Files.readAllLines(out.resolve("table1.csv")).size(), "header only");
        assertTrue(Files.readString(out.resolve("table1.csv")).startsWith("method,noise_kind,noise_temporal,alpha,n_seeds,n_runs,selection,average_mean"));
        List<Map<String, String>> f3 = csv(out.resolve("fig3.csv"));
        assertEquals(1, f3.size());
        assertEquals(0.3, num(f3.get(0), "rmse_mean"), 1e-12);
        BufferedImage one = png(out.resolve("fig3.png"));   // the one noise setting with runs: one panel, no empty ones
        assertEquals(BandChart.W, one.getWidth());
        assertEquals(BandChart.H, one.getHeight());
        png(out.resolve("per_step.png"));
        assertFalse(Files.exists(out.resolve("diagnostics.png")));
        String md = res.markdown();
        assertTrue(md.contains("No finished 3-dot world runs with metrics."), md);
        assertTrue(md.contains("## Per-step rollout RMSE: single, fixed uniform noise, α = 2.0"), "falls back to a setting with runs: " + md);
        assertTrue(md.contains("No diagnostics or training curves for these runs."), md);
        assertTrue(md.contains("1 of 1 cells have no probe-train error"), md);
    }

    @Test
    void tableOneCarriesThePapersValuesBesideOurs() throws IOException {
        // the paper's Table 1 is the 3-dot world without noise: its values join the α = 0 rows only
        for (long seed : new long[]{1, 2}) {
            String v = run("vicreg", "three-dots", "changing", "uniform", 0f, "0.1", seed, "finished");
            metrics(v, "rollout", "exact", 3, (t, j) -> j == 2 ? 0.0049 : 0.0729);        // dots: 0.27, 0.27, 0.07
            String n = run("vicreg", "three-dots", "changing", "uniform", 1f, "0.1", seed, "finished");
            metrics(n, "rollout", "exact", 3, (t, j) -> 0.04);
        }
        writeTables();
        Report.report(spark, config());
        List<Map<String, String>> t1 = csv(dir.resolve("results").resolve("report").resolve("table1.csv"));
        assertEquals(2, t1.size());
        Map<String, String> clean = t1.get(0), noisy = t1.get(1);
        assertEquals("0.0", clean.get("alpha"));
        assertEquals(0.229, num(clean, "paper_average"), 1e-12);
        assertEquals(0.277, num(clean, "paper_action"), 1e-12);
        assertEquals(0.273, num(clean, "paper_random"), 1e-12);
        assertEquals(0.066, num(clean, "paper_stationary"), 1e-12);
        assertEquals(0.07, num(clean, "stationary_mean"), 1e-9);
        assertEquals("", noisy.get("paper_average"), "the paper has no noisy Table 1 cell");
        String md = Files.readString(dir.resolve("results").resolve("report").resolve("table1.md"));
        assertTrue(md.contains("0.070 ± 0.000 (paper 0.066, Δ +0.004)"), md);
        // the slow-features table: all dots and each dot of the 3-dot world, per cell
        List<Map<String, String>> slow = csv(dir.resolve("results").resolve("report").resolve("slow_features.csv"));
        assertEquals(List.of("all", "action", "random", "stationary", "all", "action", "random", "stationary"),
                slow.stream().map(r -> r.get("dot")).toList());
        assertEquals(0.07, num(slow.get(3), "rmse_mean"), 1e-9, "stationary dot at α = 0");
        assertEquals(0.27, num(slow.get(1), "rmse_mean"), 1e-9);
        assertEquals("2", slow.get(0).get("seeds"));
        assertTrue(Files.exists(dir.resolve("results").resolve("report").resolve("table1.png")), "ours against the paper's, drawn");
    }

    @Test
    void figFiveHoldsTheNoiseFreeCellsParametersFixed() throws IOException {
        // α = 0: lr 0.1 is best on probe-train; α = 1: lr 0.3 is best there. Fig. 3 picks per cell, Fig. 5 keeps lr 0.1.
        for (String lr : new String[]{"0.1", "0.3"})
            for (float alpha : new float[]{0f, 1f}) {
                String id = run("vicreg", "single", "fixed", "uniform", alpha, lr, 1, "finished");
                boolean best = alpha == 0f ? lr.equals("0.1") : lr.equals("0.3");
                constant(id, "rollout", best ? 0.01 : 0.09);
                constant(id, "rollout_train", best ? 0.01 : 0.09);
            }
        writeTables();
        Report.report(spark, config());
        Path out = dir.resolve("results").resolve("report");
        List<Map<String, String>> f3 = csv(out.resolve("fig3.csv")), f5 = csv(out.resolve("fig5.csv"));
        assertEquals(0.1, num(f3.get(1), "rmse_mean"), 1e-9, "Fig. 3 at α = 1: that cell's best (lr 0.3)");
        assertEquals(1.0, num(f5.get(1), "alpha"), 0);
        assertEquals(0.3, num(f5.get(1), "rmse_mean"), 1e-9, "Fig. 5 at α = 1: the α = 0 choice (lr 0.1) held");
        assertTrue(Files.exists(out.resolve("fig5.png")));
    }

    @Test
    void theNoiseFreeCellAppearsInEveryNoisePanel() throws IOException {
        // a sweep runs α = 0 once (under its first noise setting): Fig. 3 draws it in each setting that has noise
        constant(run("vicreg", "single", "changing", "uniform", 0f, "0.1", 1, "finished"), "rollout", 0.01);
        constant(run("vicreg", "single", "changing", "uniform", 1f, "0.1", 1, "finished"), "rollout", 0.04);
        constant(run("vicreg", "single", "fixed", "uniform", 1f, "0.1", 1, "finished"), "rollout", 0.09);
        writeTables();
        Report.report(spark, config());
        List<String> keys = csv(dir.resolve("results").resolve("report").resolve("fig3.csv")).stream()
                .map(r -> r.get("noise_temporal") + "/" + r.get("alpha")).toList();
        assertEquals(List.of("changing/0.0", "changing/1.0", "fixed/0.0", "fixed/1.0"), keys);
    }
}
