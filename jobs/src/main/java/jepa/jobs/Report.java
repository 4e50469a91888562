package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The {@code report} job: Table 1 (3-dot world), Fig. 3/5 (RMSE vs α per noise setting, single dot), per-step RMSE
 * and training diagnostics, from the result tables. All aggregation is Spark SQL over the views; this class only
 * formats. Outputs replace {@code <data-root>/results/report/} whole. A sweep over the counting world gets its own
 * report ({@link CountingReport}); agents' runs (seed 003) get {@link AgentReport}'s part, alone or beside the rest.
 *
 * <p>Which runs count: finished runs with rollout metrics. A run's rollout rows are those of one solver, preferring
 * {@code joint} (supervised's own probe, as the reference reports it), then {@code exact}, then {@code adam}.
 * Hyper-parameters are chosen per cell (method, world, noise kind, temporal, α) among the runs' parameter sets (the
 * params map without train.seed): the set with the lowest mean probe-train rollout error, i.e. metrics rows with
 * {@code probe = 'rollout_train'}, never the test error. Cells without such rows pool all their runs (mean over seeds
 * and parameter sets), and the report says so.
 */
public final class Report {
    /** Methods in the registry's order (the paper's). */
    static final List<String> METHOD_ORDER = jepa.method.Methods.names();
    static final String OUTPUT = "report";

    private Report() {}

    /** What {@link #report} wrote: the output folder, the file names in it, and report.md's text. */
    public record ReportResult(String outputDir, List<String> files, String markdown, long selectedRuns) {}

    /** One setting of the world and noise, e.g. the per-step plot's. */
    record Setting(String world, String noiseKind, String noiseTemporal, float alpha) {
        String label() { return world + ", " + noiseTemporal + " " + noiseKind + " noise, α = " + alpha; }

        /** The setting of a query row with world, noise_kind, noise_temporal and alpha columns (a null α as NaN). */
        static Setting of(Row r) {
            Float a = r.getAs("alpha");
            return new Setting(r.getAs("world"), r.getAs("noise_kind"), r.getAs("noise_temporal"), a == null ? Float.NaN : a);
        }

        boolean matches(Row r) { return equals(of(r)); }

        Column filter() {
            return col("world").eqNullSafe(world).and(col("noise_kind").eqNullSafe(noiseKind))
                    .and(col("noise_temporal").eqNullSafe(noiseTemporal)).and(col("alpha").eqNullSafe(lit(alpha)));
        }
    }

    public static void run(Args args) {
        JepaConfig cfg = args.config();
        SparkSession spark = SparkSessions.create(cfg, "report", args.master());
        try {
            ReportResult r = report(spark, cfg);
            Main.RESULTS.println(r.markdown());
            Main.RESULTS.println("[report] wrote " + r.files() + " into " + r.outputDir());
        } finally {
            spark.stop();
        }
    }

    public static ReportResult report(SparkSession spark, JepaConfig cfg) {
        if (CountingReport.applies(cfg)) return CountingReport.report(spark, cfg);   // seed 002's world: its own report
        System.setProperty("java.awt.headless", "true");   // XChart renders through AWT; no display on a cluster node
        String root = cfg.dataRoot();
        List<String> views = Sql.register(spark, root);
        // agents' runs alone: a sweep over acting worlds, or a data root whose runs all acted
        if (AgentReport.applies(cfg) || (views.contains("returns") && !views.contains("metrics"))) return agentsOnly(spark, cfg, root, views);
        if (!views.contains("runs") || !views.contains("metrics"))
            throw new ConfigError("no runs/metrics tables under " + JepaConfig.join(root, "results") + " (found: " + views
                    + "): run submit/jepa train and probe first");
        // the report's tables are small (runs × 17 steps × dots rows): code generation and adaptive re-planning cost more
        // per query than they save (measured: about halves the report's time), so both are off for its queries
        Map<String, String> before = new LinkedHashMap<>();
        for (String k : List.of("spark.sql.codegen.wholeStage", "spark.sql.adaptive.enabled")) {
            before.put(k, spark.conf().get(k));
            spark.conf().set(k, "false");
        }
        try {
            createViews(spark);
            return outputs(spark, cfg, root, views);
        } finally {
            for (String v : CACHED) if (spark.catalog().tableExists(v)) spark.catalog().uncacheTable(v);
            before.forEach((k, v) -> spark.conf().set(k, v));
        }
    }

    /** Runs the queries, renders tables and plots, writes the report folder. */
    private static ReportResult outputs(SparkSession spark, JepaConfig cfg, String root, List<String> views) {
        long selected = spark.table("report_selected").count();
        if (selected == 0)
            throw new ConfigError("no finished run with rollout metrics under " + JepaConfig.join(root, "results")
                    + ": run submit/jepa probe on a trained run first");

        ReportText.Table table1 = ReportText.Table.of(spark.sql(table1Sql()));
        ReportText.Table fig3 = ReportText.Table.of(spark.sql(fig3Sql()));
        ReportText.Table fig5 = ReportText.Table.of(spark.sql(fig5Sql()));
        Dataset<Row> perStepAll = spark.sql(perStepSql());
        ReportText.Table perStepCsv = ReportText.Table.of(perStepAll);
        Setting setting = chooseSetting(cfg, perStepCsv.rows());
        List<Row> perStep = perStepCsv.rows().stream().filter(setting::matches).toList();
        ReportText.Table diagnostics = views.contains("diagnostics") ? ReportText.Table.of(spark.sql(diagnosticsSql()).where(setting.filter())) : null;
        List<Row> loss = views.contains("curves") ? spark.sql(lossSql()).where(setting.filter()).collectAsList() : List.of();
        ReportText.Table cells = ReportText.Table.of(spark.sql(cellsSql()));
        boolean training = (diagnostics != null && !diagnostics.rows().isEmpty()) || !loss.isEmpty();

        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("table1.csv", utf8(table1.csv()));
        out.put("table1.md", utf8(ReportText.table1(table1.rows())));
        byte[] vsPaper = ReportPlots.table1VsPaper(table1.rows());
        if (vsPaper != null) out.put("table1.png", vsPaper);
        out.put("fig3.csv", utf8(fig3.csv()));
        if (!fig3.rows().isEmpty()) out.put("fig3.png", ReportPlots.rmseVsAlpha(fig3.rows()));
        if (!fig5.rows().isEmpty()) {
            out.put("fig5.csv", utf8(fig5.csv()));
            out.put("fig5.png", ReportPlots.rmseVsAlpha(fig5.rows()));
        }
        out.put("per_step.csv", utf8(perStepCsv.csv()));
        if (!perStep.isEmpty()) out.put("per_step.png", ReportPlots.perStep(perStep, setting.label()));
        out.put("selection.csv", utf8(cells.csv()));
        ReportText.Table slow = ReportText.Table.of(spark.sql(slowFeaturesSql()));
        out.put("slow_features.csv", utf8(slow.csv()));
        ReportText.Table hierarchy = ReportText.Table.of(spark.sql(hierarchySql()));
        ReportText.Table planning = ReportText.Table.of(views.contains("planning") ? spark.sql(planningSql()) : spark.emptyDataFrame());
        if (!planning.rows().isEmpty()) out.put("planning.csv", utf8(planning.csv()));
        if (!hierarchy.rows().isEmpty()) out.put("hjepa.csv", utf8(hierarchy.csv()));
        if (training) {
            if (diagnostics != null) out.put("diagnostics.csv", utf8(diagnostics.csv()));
            out.put("diagnostics.png", ReportPlots.diagnostics(diagnostics == null ? List.of() : diagnostics.rows(), loss, setting.label()));
        }
        AgentReport.Output agents = views.contains("returns") ? AgentReport.report(spark, views) : null;   // seed 003's runs beside
        if (agents != null) out.putAll(agents.files());
        String md = ReportText.markdown(header(spark, cfg, root), table1.rows(), fig3.rows(), fig5.rows(), slow.rows(), hierarchy.rows(), planning.rows(), perStep, setting.label(), training,
                List.copyOf(out.keySet())) + (agents == null ? "" : "\n" + agents.markdown());
        out.put("report.md", utf8(md));
        String target = JepaConfig.join(root, "results", OUTPUT);
        write(spark, target, out);
        return new ReportResult(target, List.copyOf(out.keySet()), md, selected);
    }

    /** Agents' runs only (seed 003): their part of the report alone. */
    private static ReportResult agentsOnly(SparkSession spark, JepaConfig cfg, String root, List<String> views) {
        if (!views.contains("runs") || !views.contains("returns"))
            throw new ConfigError("no runs/returns tables under " + JepaConfig.join(root, "results") + " (found: " + views
                    + "): run submit/jepa sweep with a cartpole config first");
        AgentReport.Output a = AgentReport.report(spark, views);
        Map<String, byte[]> out = new LinkedHashMap<>(a.files());
        String md = "# jepa-spark report\n\n" + scaleLine(cfg) + "- data root: `" + root + "`\n- generated: "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n\n" + a.markdown();
        out.put("report.md", utf8(md));
        String target = JepaConfig.join(root, "results", OUTPUT);
        write(spark, target, out);
        return new ReportResult(target, List.copyOf(out.keySet()), md, spark.table("agent_running").select("run_id").distinct().count());
    }

    /** Views every output reads: cached for the report's lifetime (each query would recompute them). */
    static final List<String> CACHED = List.of("report_rollout", "report_runs", "report_cells", "report_selected", "report_all_rmse");

    /** The report's temporary views: chosen rollout rows, eligible runs, the selection per cell, per-run RMSEs. */
    static void createViews(SparkSession spark) {
        PaperValues.register(spark);
        String cell = "method, world, noise_kind, noise_temporal, alpha";
        spark.sql("SELECT run_id, probe, step, dot, mse FROM (SELECT run_id, probe, step, dot, mse, dense_rank() OVER "
                + "(PARTITION BY run_id, probe ORDER BY CASE solver WHEN 'joint' THEN 0 WHEN 'exact' THEN 1 ELSE 2 END, solver) AS pick "
                + "FROM metrics WHERE probe IN ('rollout', 'rollout_train')) WHERE pick = 1").createOrReplaceTempView("report_rollout");
        // hp: the parameter set without the seed, as one sorted string (runs differing only in seed share it)
        spark.sql("SELECT r.run_id, r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha, r.seed, r.dataset, "
                + "coalesce(array_join(array_sort(transform(map_entries(map_filter(r.params, (k, v) -> k <> 'train.seed')), "
                + "e -> concat(e.key, '=', e.value))), ';'), '') AS hp, v.val_mse FROM runs r "
                + "LEFT JOIN (SELECT run_id, avg(mse) AS val_mse FROM report_rollout WHERE probe = 'rollout_train' GROUP BY run_id) v "
                + "ON r.run_id = v.run_id "
                + "WHERE r.status = 'finished' AND r.run_id IN (SELECT run_id FROM report_rollout WHERE probe = 'rollout')")
                .createOrReplaceTempView("report_runs");
        spark.sql("SELECT " + cell + ", hp AS chosen_hp, has_val, n_hp FROM (SELECT *, "
                + "row_number() OVER (PARTITION BY " + cell + " ORDER BY val_mse ASC NULLS LAST, hp) AS rk, "
                + "max(n_val) OVER (PARTITION BY " + cell + ") > 0 AS has_val, count(*) OVER (PARTITION BY " + cell + ") AS n_hp "
                + "FROM (SELECT " + cell + ", hp, avg(val_mse) AS val_mse, count(val_mse) AS n_val FROM report_runs GROUP BY " + cell + ", hp)) "
                + "WHERE rk = 1").createOrReplaceTempView("report_cells");
        spark.sql("SELECT r.*, CASE WHEN c.has_val THEN 'probe_train' ELSE 'all runs' END AS selection FROM report_runs r "
                + "JOIN report_cells c ON r.method <=> c.method AND r.world <=> c.world AND r.noise_kind <=> c.noise_kind "
                + "AND r.noise_temporal <=> c.noise_temporal AND r.alpha <=> c.alpha "
                + "WHERE NOT c.has_val OR r.hp = c.chosen_hp").createOrReplaceTempView("report_selected");
        // per run (every eligible run, with its parameter set) and dot: √(mean MSE over the 17 steps)
        spark.sql("SELECT r.run_id, r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha, r.seed, r.hp, m.dot, "
                + "sqrt(avg(m.mse)) AS rmse FROM report_runs r JOIN report_rollout m ON m.run_id = r.run_id AND m.probe = 'rollout' "
                + "GROUP BY r.run_id, r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha, r.seed, r.hp, m.dot")
                .createOrReplaceTempView("report_run_dot");
        // Table 1's Average: √(mean of the squared per-dot RMSEs) (reference §5.4); for one dot, that dot's RMSE
        spark.sql("SELECT run_id, " + cell + ", seed, hp, sqrt(avg(rmse * rmse)) AS average, "
                + "max(CASE WHEN dot = 0 THEN rmse END) AS dot0, max(CASE WHEN dot = 1 THEN rmse END) AS dot1, "
                + "max(CASE WHEN dot = 2 THEN rmse END) AS dot2 FROM report_run_dot GROUP BY run_id, " + cell + ", seed, hp")
                .createOrReplaceTempView("report_all_rmse");
        spark.sql("SELECT a.*, s.selection FROM report_all_rmse a JOIN report_selected s ON a.run_id = s.run_id")
                .createOrReplaceTempView("report_run_rmse");
        for (String v : CACHED) spark.catalog().cacheTable(v);
    }

    static String methodOrder(String column) {
        return "coalesce(nullif(array_position(array('" + String.join("', '", METHOD_ORDER) + "'), " + column + "), 0), 99)";
    }

    private static String meanStd(String expr, String name) {
        return "avg(" + expr + ") AS " + name + "_mean, stddev_samp(" + expr + ") AS " + name + "_std";
    }

    /** Table 1 per method and noise cell; the paper's values (its Table 1: the 3-dot world without noise) beside α = 0. */
    static String table1Sql() {
        return "SELECT t.*, p.average AS paper_average, p.action AS paper_action, p.random AS paper_random, "
                + "p.stationary AS paper_stationary FROM (SELECT method, noise_kind, noise_temporal, alpha, count(DISTINCT seed) AS n_seeds, "
                + "count(*) AS n_runs, first(selection) AS selection, " + meanStd("average", "average") + ", " + meanStd("dot0", "action")
                + ", " + meanStd("dot1", "random") + ", " + meanStd("dot2", "stationary")
                + " FROM report_run_rmse WHERE world = 'three-dots' GROUP BY method, noise_kind, noise_temporal, alpha) t "
                + "LEFT JOIN " + PaperValues.TABLE1 + " p ON p.method = t.method AND t.alpha = 0 "
                + "ORDER BY t.noise_temporal, t.noise_kind, t.alpha, " + methodOrder("t.method") + ", t.method";
    }

    /**
     * Fig. 3: RMSE vs α per noise setting and method. The noise-free cell (α = 0: the same data whatever the noise kind
     * and temporal) appears in every noise setting's panel.
     */
    static String fig3Sql() {
        return everyPanelAtZero("SELECT noise_temporal, noise_kind, method, alpha, count(DISTINCT seed) AS n_seeds, count(*) AS n_runs, "
                + meanStd("average", "rmse") + ", first(selection) AS selection FROM report_run_rmse WHERE world = 'single' "
                + "GROUP BY noise_temporal, noise_kind, method, alpha", "method, alpha, n_seeds, n_runs, rmse_mean, rmse_std, selection");
    }

    /** Rows of (noise_temporal, noise_kind, method, alpha, …) with the α = 0 rows repeated in every setting that has α > 0. */
    static String everyPanelAtZero(String grouped, String rest) {
        String g = "g." + String.join(", g.", rest.split(",\\s*"));
        return "SELECT * FROM (WITH g AS (" + grouped + "), p AS (SELECT DISTINCT noise_temporal AS pt, noise_kind AS pk FROM g WHERE alpha > 0) "
                + "SELECT noise_temporal, noise_kind, " + rest + " FROM g WHERE alpha > 0 OR NOT EXISTS (SELECT 1 FROM p) UNION ALL "
                + "SELECT p.pt AS noise_temporal, p.pk AS noise_kind, " + g + " FROM g CROSS JOIN p WHERE g.alpha = 0) "
                + "ORDER BY noise_temporal, noise_kind, " + methodOrder("method") + ", method, alpha";
    }

    /**
     * Fig. 5: per method and noise setting, the parameter set chosen for the noise-free cell (α = 0) held fixed at every
     * α — the runs of that set, whatever their own cell would have chosen.
     */
    static String fig5Sql() {
        return everyPanelAtZero("SELECT a.noise_temporal, a.noise_kind, a.method, a.alpha, count(DISTINCT a.seed) AS n_seeds, "
                + "count(*) AS n_runs, " + meanStd("a.average", "rmse") + " FROM report_all_rmse a JOIN report_cells c ON a.method <=> c.method "
                + "AND a.world <=> c.world AND c.alpha = 0 WHERE a.world = 'single' AND a.hp = c.chosen_hp "
                + "GROUP BY a.noise_temporal, a.noise_kind, a.method, a.alpha", "method, alpha, n_seeds, n_runs, rmse_mean, rmse_std");
    }

    /**
     * The slow-features table: per method and cell (selected runs), the rollout RMSE over all dots and, in the 3-dot
     * world, per dot (action, random, stationary): mean and std over seeds.
     */
    static String slowFeaturesSql() {
        String cell = "method, world, noise_kind, noise_temporal, alpha";
        String dots = "CASE dot WHEN 'dot0' THEN 'action' WHEN 'dot1' THEN 'random' ELSE 'stationary' END";
        return "SELECT " + cell + ", dot, avg(v) AS rmse_mean, stddev_samp(v) AS rmse_std, count(DISTINCT seed) AS seeds FROM ("
                + "SELECT " + cell + ", seed, 'all' AS dot, average AS v FROM report_run_rmse UNION ALL "
                + "SELECT " + cell + ", seed, " + dots + " AS dot, v FROM report_run_rmse "
                + "LATERAL VIEW stack(3, 'dot0', dot0, 'dot1', dot1, 'dot2', dot2) s AS dot, v WHERE world = 'three-dots') "
                + "GROUP BY " + cell + ", dot ORDER BY world, noise_kind, noise_temporal, alpha, " + methodOrder("method")
                + ", method, CASE dot WHEN 'all' THEN 0 WHEN 'action' THEN 1 WHEN 'random' THEN 2 ELSE 3 END";
    }

    /**
     * H-JEPA: per method and cell, the level-2 rollout's error at the windows' last frames (metrics rows rollout_l2)
     * against the level-1 rollout's at the same frames (mean and std over seeds; √(mean MSE over those steps and dots)).
     */
    static String hierarchySql() {
        return "SELECT r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha, count(DISTINCT r.seed) AS seeds, "
                + meanStd("l2", "level2") + ", " + meanStd("l1", "level1") + " FROM (SELECT m.run_id, "
                + "sqrt(avg(CASE WHEN m.probe = 'rollout_l2' THEN m.mse END)) AS l2, sqrt(avg(CASE WHEN m.probe = 'rollout' THEN m.mse END)) AS l1 "
                + "FROM metrics m JOIN (SELECT DISTINCT run_id, step FROM metrics WHERE probe = 'rollout_l2') w "
                + "ON m.run_id = w.run_id AND m.step = w.step WHERE m.probe IN ('rollout', 'rollout_l2') GROUP BY m.run_id) x "
                + "JOIN report_selected r ON r.run_id = x.run_id GROUP BY r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha "
                + "ORDER BY r.world, r.noise_kind, r.noise_temporal, r.alpha, r.method";
    }

    /** Goal reaching: per method, cell, task and planner, the success rate and final distance (mean and std over seeds). */
    static String planningSql() {
        String cols = "r.method, r.world, r.noise_kind, r.noise_temporal, r.alpha, p.task, p.planner";
        return "SELECT " + cols + ", count(DISTINCT r.seed) AS seeds, sum(p.episodes) AS episodes, " + meanStd("p.success_rate", "success")
                + ", " + meanStd("p.mean_final_px", "final_px") + " FROM planning p JOIN report_selected r ON p.run_id = r.run_id "
                + "GROUP BY " + cols + " ORDER BY p.task, r.world, r.noise_kind, r.noise_temporal, r.alpha, " + methodOrder("r.method")
                + ", r.method, CASE p.planner WHEN 'oracle' THEN 0 WHEN 'random' THEN 9 ELSE 1 END, p.planner";
    }

    static String perStepSql() {
        return "SELECT world, noise_kind, noise_temporal, alpha, method, step, count(*) AS n_runs, " + meanStd("rmse", "rmse")
                + " FROM (SELECT s.run_id, s.world, s.noise_kind, s.noise_temporal, s.alpha, s.method, m.step, sqrt(avg(m.mse)) AS rmse "
                + "FROM report_selected s JOIN report_rollout m ON m.run_id = s.run_id AND m.probe = 'rollout' "
                + "GROUP BY s.run_id, s.world, s.noise_kind, s.noise_temporal, s.alpha, s.method, m.step) "
                + "GROUP BY world, noise_kind, noise_temporal, alpha, method, step "
                + "ORDER BY world, noise_temporal, noise_kind, alpha, " + methodOrder("method") + ", method, step";
    }

    /** Per selected run and epoch: the encoder's statistics on frame 1 (frame 0). */
    static String diagnosticsSql() {
        return "SELECT s.world, s.noise_kind, s.noise_temporal, s.alpha, s.method, s.seed, s.run_id, d.epoch, "
                + "avg(d.feature_std) AS feature_std, avg(d.offdiag_cov) AS offdiag_cov, avg(d.rankme) AS rankme, avg(d.eff_rank) AS eff_rank "
                + "FROM diagnostics d JOIN report_selected s ON d.run_id = s.run_id WHERE d.source = 'encoder' AND d.frame = 0 "
                + "GROUP BY s.world, s.noise_kind, s.noise_temporal, s.alpha, s.method, s.seed, s.run_id, d.epoch "
                + "ORDER BY " + methodOrder("s.method") + ", s.method, s.seed, s.run_id, d.epoch";
    }

    static String lossSql() {
        return "SELECT s.world, s.noise_kind, s.noise_temporal, s.alpha, s.method, s.seed, s.run_id, c.step, c.value "
                + "FROM curves c JOIN report_selected s ON c.run_id = s.run_id WHERE c.term = 'loss' "
                + "ORDER BY " + methodOrder("s.method") + ", s.method, s.seed, s.run_id, c.step";
    }

    static String cellsSql() {
        String on = "c.method <=> n.method AND c.world <=> n.world AND c.noise_kind <=> n.noise_kind AND c.noise_temporal <=> n.noise_temporal "
                + "AND c.alpha <=> n.alpha";
        return "SELECT c.method, c.world, c.noise_kind, c.noise_temporal, c.alpha, "
                + "CASE WHEN c.has_val THEN 'probe_train' ELSE 'all runs' END AS selection, c.n_hp AS parameter_sets, "
                + "CASE WHEN c.has_val THEN c.chosen_hp END AS chosen_params, n.n_runs FROM report_cells c LEFT JOIN "
                + "(SELECT method, world, noise_kind, noise_temporal, alpha, count(*) AS n_runs FROM report_selected "
                + "GROUP BY method, world, noise_kind, noise_temporal, alpha) n ON " + on
                + " ORDER BY c.world, c.noise_temporal, c.noise_kind, c.alpha, " + methodOrder("c.method") + ", c.method";
    }

    /** The configured setting when it has runs, else the first setting that has. */
    static Setting chooseSetting(JepaConfig cfg, List<Row> perStep) {
        Setting configured = new Setting(cfg.world().kind(), cfg.noise().kind(), cfg.noise().temporal(), (float) cfg.noise().alpha());
        Setting first = null;
        for (Row r : perStep) {
            if (configured.matches(r)) return configured;
            if (first == null) first = Setting.of(r);
        }
        return first != null ? first : configured;
    }

    /** The config's scale and what it buys, as the first line of every report. */
    static String scaleLine(JepaConfig cfg) {
        return "- scale: **" + cfg.scale().name() + "**" + (cfg.scale().note().isBlank() ? "" : " — " + cfg.scale().note()) + "\n";
    }

    /** report.md's header: data root, date, scale (runs, seeds, methods, dataset sizes) and the selection rule. */
    static String header(SparkSession spark, JepaConfig cfg, String root) {
        StringBuilder b = new StringBuilder("# jepa-spark report\n\n").append(scaleLine(cfg));
        b.append("- data root: `").append(root).append("`\n");
        b.append("- generated: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n");
        // one query for the whole scale line (each Spark query costs seconds on a busy machine)
        Row s = spark.sql("SELECT count(*), count(DISTINCT seed), array_sort(collect_set(seed)), array_sort(collect_set(method)), "
                + "(SELECT array_join(transform(array_sort(collect_list(struct(st, n))), x -> concat(x.n, ' ', x.st)), ', ') FROM "
                + "(SELECT coalesce(status, 'unknown') AS st, count(*) AS n FROM runs GROUP BY 1)), "
                + "(SELECT count_if(NOT has_val) FROM report_cells), (SELECT count(*) FROM report_cells) FROM report_selected").first();
        b.append("- runs: ").append(s.getLong(0)).append(" in the report (runs table: ").append(s.getString(4))
                .append("); ").append(s.getLong(1)).append(" seed(s) ").append(s.getList(2)).append("; methods ").append(s.getList(3)).append("\n");
        b.append("- sequences per split (train / probe_train / test; the paper: 1,000,000 / 300,000 / 10,000):\n");
        Map<String, Map<String, Object>> meta = datasetMetadata(spark, root);
        for (Row r : spark.sql("SELECT world, dataset, count(*) FROM report_selected GROUP BY world, dataset ORDER BY world, dataset").collectAsList()) {
            Map<String, Object> m = meta.get(r.getString(0) + "/" + r.getString(1));
            Object counts = m == null ? null : m.get("counts");
            b.append("  - ").append(r.getString(0)).append('/').append(r.getString(1)).append(" (").append(r.getLong(2)).append(" runs): ")
                    .append(counts instanceof Map<?, ?> c ? c.get("train") + " / " + c.get("probe_train") + " / " + c.get("test")
                            : "unknown (dataset not found under the data root)")
                    .append(m != null && m.get("noise_source") != null && !"none".equals(m.get("noise_source")) ? "; noise images: " + m.get("noise_source") : "")
                    .append("\n");
        }
        long pooled = s.getLong(5), cells = s.getLong(6);
        b.append("- hyper-parameters: per cell (method, world, noise, α) the parameter set with the lowest probe-train rollout "
                + "error, never the test error");
        if (pooled > 0) b.append("; ").append(pooled).append(" of ").append(cells)
                .append(" cells have no probe-train error and report the mean over all their runs");
        b.append(" (selection.csv).\n");
        b.append("- RMSE: per coordinate, in units of the 21.8-px range, √(mean MSE over the 17 steps (and dots)); mean ± sample std over seeds. "
                + "Rollout probe; supervised runs use their own jointly trained probe when present.\n");
        return b.toString();
    }

    /** _dataset.json of every dataset under the data root, keyed "world/dataset". */
    private static Map<String, Map<String, Object>> datasetMetadata(SparkSession spark, String root) {
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String f : files.glob(JepaConfig.join(root, "*", "*", Generate.METADATA))) {
            Map<String, Object> m = files.readJson(f);
            out.put(m.get("world") + "/" + m.get("dataset"), m);
        }
        return out;
    }

    /** Writes the files into a staging folder and publishes it as the report folder, replacing the previous one. */
    static void write(SparkSession spark, String target, Map<String, byte[]> content) {
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        files.removeStale(target);
        String staging = files.staging(target);
        try {
            for (Map.Entry<String, byte[]> e : content.entrySet()) {
                String p = JepaConfig.join(staging, e.getKey());
                org.apache.hadoop.fs.FileSystem fs = files.fs(p);
                if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) fs = local.getRawFileSystem();   // no .crc beside each file
                try (OutputStream o = fs.create(new org.apache.hadoop.fs.Path(p), true)) {
                    o.write(e.getValue());
                }
            }
            files.publish(staging, target, true);
        } catch (IOException e) {
            files.delete(staging);
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
