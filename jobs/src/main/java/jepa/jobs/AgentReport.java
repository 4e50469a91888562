package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.rl.Variant;
import jepa.world.RunKind;
import jepa.world.Worlds;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's part for agents (seed 003, the {@code returns} table): Fig. 3 — per variant, the running average of
 * the episodic return (mean of a run's last {@link #WINDOW} episodes) over environment steps, mean and spread (± one
 * standard deviation) over its runs, and the embedding variance (the collapse indicator, mean over runs) on a log
 * axis — plus a summary per variant: final running return, the step at which the state run is solved (running
 * average ≥ 475), collapse. All aggregation is Spark SQL over the views; this class only formats and draws.
 */
final class AgentReport {
    static final int WINDOW = 20;
    static final double SOLVED = 475, COLLAPSED = 1e-7;
    /** Variants in the paper's order (the state run first). */
    static final List<String> ORDER = Arrays.stream(Variant.values()).map(Variant::id).toList();
    private static final Color[] COLOURS = {new Color(90, 90, 90), new Color(31, 119, 180), new Color(44, 160, 44), new Color(214, 39, 40),
            new Color(148, 103, 189)};

    private AgentReport() {}

    /** Whether a config's sweep is over worlds whose runs act (then the report is this part alone). */
    static boolean applies(JepaConfig cfg) {
        return cfg.sweep().worlds().stream().allMatch(w -> Worlds.of(w).runKind() == RunKind.ACT);
    }

    private static String order(String column) {
        return "coalesce(nullif(array_position(array('" + String.join("', '", ORDER) + "'), " + column + "), 0), 99)";
    }

    /** Running returns of finished runs (one row per episode) as the temporary view agent_running. */
    static void createViews(SparkSession spark) {
        spark.sql("SELECT r.run_id, r.variant, r.seed, r.env_step, r.episode_return, "
                + "avg(r.episode_return) OVER w AS running_return, count(*) OVER w AS window_episodes "
                + "FROM returns r JOIN runs u ON r.run_id = u.run_id WHERE u.status = 'finished' "
                + "WINDOW w AS (PARTITION BY r.run_id ORDER BY r.env_step, r.env ROWS BETWEEN " + (WINDOW - 1) + " PRECEDING AND CURRENT ROW)")
                .createOrReplaceTempView("agent_running");
    }

    /** Per variant and bin of environment steps: each run's running return at its last episode in the bin, over runs. */
    static String curveSql(long bin) {
        return "SELECT variant, bin_end AS env_step, count(*) AS n_runs, avg(running_return) AS return_mean, "
                + "coalesce(stddev_samp(running_return), 0) AS return_std, min(running_return) AS return_min, max(running_return) AS return_max "
                + "FROM (SELECT run_id, variant, bin_end, max_by(running_return, env_step) AS running_return FROM "
                + "(SELECT *, CAST(ceil(env_step / " + bin + ".0) * " + bin + " AS BIGINT) AS bin_end FROM agent_running) GROUP BY run_id, variant, bin_end) "
                + "GROUP BY variant, bin_end ORDER BY " + order("variant") + ", variant, bin_end";
    }

    /** Per variant and update (curves' step = env steps): mean, min and max over runs of a curves term. */
    static String termSql(String term) {
        return "SELECT u.method AS variant, c.step AS env_step, count(*) AS n_runs, avg(c.value) AS mean, min(c.value) AS min, max(c.value) AS max "
                + "FROM curves c JOIN runs u ON c.run_id = u.run_id WHERE u.status = 'finished' AND c.term = '" + term + "' "
                + "AND u.run_id IN (SELECT run_id FROM returns) GROUP BY u.method, c.step ORDER BY " + order("u.method") + ", u.method, c.step";
    }

    /** Per variant: runs, environment steps, final running return (mean ± std), solved steps, collapse. */
    static String summarySql() {
        return "SELECT variant, count(*) AS n_runs, array_sort(collect_list(seed)) AS seeds, max(env_steps) AS env_steps, "
                + "avg(final_return) AS final_return_mean, coalesce(stddev_samp(final_return), 0) AS final_return_std, "
                + "count(solved_at) AS n_solved, array_sort(collect_list(solved_at)) AS solved_at, "
                + "avg(final_variance) AS final_variance_mean, min(min_variance) AS min_variance, avg(collapsed_fraction) AS collapsed_fraction, "
                + "avg(final_jepa_loss) AS final_jepa_loss_mean, avg(steps_per_second) AS env_steps_per_second "
                + "FROM (SELECT a.run_id, a.variant, a.seed, max(a.env_step) AS env_steps, max_by(a.running_return, a.env_step) AS final_return, "
                + "min(CASE WHEN a.window_episodes = " + WINDOW + " AND a.running_return >= " + SOLVED + " THEN a.env_step END) AS solved_at, "
                + "first(v.final_variance) AS final_variance, first(v.min_variance) AS min_variance, first(v.collapsed_fraction) AS collapsed_fraction, "
                + "first(j.final_jepa_loss) AS final_jepa_loss, first(u.train_seq_per_s) AS steps_per_second "
                + "FROM agent_running a JOIN runs u ON a.run_id = u.run_id "
                + "LEFT JOIN (SELECT run_id, max_by(value, step) AS final_variance, min(value) AS min_variance, "
                + "avg(CASE WHEN value < " + COLLAPSED + " THEN 1.0 ELSE 0.0 END) AS collapsed_fraction FROM curves WHERE term = 'embedding_variance' "
                + "GROUP BY run_id) v ON a.run_id = v.run_id "
                + "LEFT JOIN (SELECT run_id, max_by(value, step) AS final_jepa_loss FROM curves WHERE term = 'jepa_loss' GROUP BY run_id) j "
                + "ON a.run_id = j.run_id GROUP BY a.run_id, a.variant, a.seed) "
                + "GROUP BY variant ORDER BY " + order("variant") + ", variant";
    }

    /** The files this part adds to the report folder, and its markdown. */
    record Output(Map<String, byte[]> files, String markdown) {}

    static Output report(SparkSession spark, List<String> views) {
        createViews(spark);
        long maxStep = spark.sql("SELECT coalesce(max(env_step), 0) FROM agent_running").first().getLong(0);
        long bin = Math.max(512, (long) Math.ceil(maxStep / 50.0 / 512) * 512);       // ~50 points a curve, whole rollouts
        if (!views.contains("curves")) spark.createDataFrame(List.of(), Runs.CURVES).createOrReplaceTempView("curves");
        ReportText.Table curve = ReportText.Table.of(spark.sql(curveSql(bin)));
        ReportText.Table variance = ReportText.Table.of(spark.sql(termSql("embedding_variance")));
        ReportText.Table jepa = ReportText.Table.of(spark.sql(termSql("jepa_loss")));
        ReportText.Table summary = ReportText.Table.of(spark.sql(summarySql()));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("cartpole_returns.csv", Report.utf8(curve.csv()));
        files.put("cartpole_variance.csv", Report.utf8(variance.csv()));
        files.put("cartpole_jepa_loss.csv", Report.utf8(jepa.csv()));
        files.put("cartpole_summary.csv", Report.utf8(summary.csv()));
        files.put("cartpole_fig3.png", fig3(curve.rows(), variance.rows(), bin));
        return new Output(files, markdown(summary.rows(), bin));
    }

    static String markdown(List<Row> summary, long bin) {
        StringBuilder b = new StringBuilder("## Seed 003: JEPA for RL on CartPole from pixels (Fig. 3)\n\n");
        b.append("Running average of the episodic return (a run's last ").append(WINDOW).append(" episodes) at the end of each ")
                .append(bin).append("-step bin, mean ± std over runs, and the embedding variance (mean batch variance of s_x; ")
                .append("collapsed below 1e-7) per update: `cartpole_fig3.png`; numbers in `cartpole_returns.csv`, `cartpole_variance.csv`.\n\n");
        b.append("| variant | runs | env steps | final running return | solved (≥ 475) | final embedding variance | min variance | updates collapsed | final L_JEPA | env steps/s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : summary) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f ± %.1f | %s | %s | %s | %s | %s | %.1f |%n", r.getAs("variant"),
                    r.<Long>getAs("n_runs"), r.<Long>getAs("env_steps"), r.<Double>getAs("final_return_mean"), r.<Double>getAs("final_return_std"),
                    solved(r), sci(r, "final_variance_mean"), sci(r, "min_variance"), percent(r, "collapsed_fraction"),
                    fixed(r, "final_jepa_loss_mean"), (Double) r.getAs("env_steps_per_second")));
        }
        b.append("\nThe paper's ordering: jepa+rl learns fastest; jepa-only collapses (variance → ~0, return flat); "
                + "jepa-only+reg keeps its variance and learns slower than jepa+rl.\n");
        return b.toString();
    }

    private static String solved(Row r) {
        long n = r.<Long>getAs("n_solved");
        if (n == 0) return "none";
        return n + " of " + r.<Long>getAs("n_runs") + ": " + r.getList(r.fieldIndex("solved_at"));
    }

    private static String sci(Row r, String col) {
        Object v = r.isNullAt(r.fieldIndex(col)) ? null : r.get(r.fieldIndex(col));
        return v == null ? "–" : String.format(Locale.ROOT, "%.2e", ((Number) v).doubleValue());
    }

    private static String fixed(Row r, String col) {
        Object v = r.isNullAt(r.fieldIndex(col)) ? null : r.get(r.fieldIndex(col));
        return v == null ? "–" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }

    private static String percent(Row r, String col) {
        Object v = r.isNullAt(r.fieldIndex(col)) ? null : r.get(r.fieldIndex(col));
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * ((Number) v).doubleValue());
    }

    /** Two panels: running return (mean, ± std dashed) and embedding variance (log), one colour per variant. */
    static byte[] fig3(List<Row> curve, List<Row> variance, long bin) {
        XYChart ret = chart("CartPole: running return (last " + WINDOW + " episodes), mean ± std over runs", "environment steps",
                "episodic return");
        ret.getStyler().setYAxisMin(0.0);
        Map<String, List<double[]>> byVariant = new LinkedHashMap<>();
        for (Row r : curve)
            byVariant.computeIfAbsent(r.getAs("variant"), k -> new ArrayList<>())
                    .add(new double[]{r.<Long>getAs("env_step"), r.<Double>getAs("return_mean"), r.<Double>getAs("return_std"),
                            r.<Long>getAs("n_runs")});
        for (Map.Entry<String, List<double[]>> e : byVariant.entrySet()) {
            Color c = colour(e.getKey());
            List<double[]> pts = e.getValue();
            int runs = (int) pts.stream().mapToDouble(p -> p[3]).max().orElse(0);
            line(ret, e.getKey() + " (" + runs + " run" + (runs == 1 ? "" : "s") + ")", pts, p -> p[1], c, true);
            if (runs > 1) {
                line(ret, e.getKey() + " +std", pts, p -> p[1] + p[2], c, false);
                line(ret, e.getKey() + " -std", pts, p -> p[1] - p[2], c, false);
            }
        }
        XYChart var = chart("embedding variance (mean batch variance of s_x, mean over runs)", "environment steps", "variance (log)");
        var.getStyler().setYAxisLogarithmic(true);
        Map<String, List<double[]>> vByVariant = new LinkedHashMap<>();
        for (Row r : variance)
            vByVariant.computeIfAbsent(r.getAs("variant"), k -> new ArrayList<>())
                    .add(new double[]{r.<Long>getAs("env_step"), Math.max(1e-12, r.<Double>getAs("mean"))});
        for (Map.Entry<String, List<double[]>> e : vByVariant.entrySet()) line(var, e.getKey(), e.getValue(), p -> p[1], colour(e.getKey()), true);
        if (vByVariant.isEmpty()) {
            var.getStyler().setYAxisLogarithmic(false).setLegendVisible(false);
            var.addSeries("none", new double[]{0}, new double[]{0}).setMarker(SeriesMarkers.NONE);
        } else {
            XYSeries floor = var.addSeries("collapse (1e-7)", new double[]{0, Math.max(bin, maxX(vByVariant))}, new double[]{COLLAPSED, COLLAPSED});
            floor.setMarker(SeriesMarkers.NONE).setLineColor(Color.BLACK).setLineStyle(SeriesLines.DOT_DOT);
        }
        if (byVariant.isEmpty()) ret.addSeries("none", new double[]{0}, new double[]{0}).setMarker(SeriesMarkers.NONE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(List.of(ret, var), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double maxX(Map<String, List<double[]>> series) {
        return series.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(1);
    }

    private static void line(XYChart c, String name, List<double[]> pts, java.util.function.ToDoubleFunction<double[]> y, Color colour, boolean main) {
        double[] xs = pts.stream().mapToDouble(p -> p[0]).toArray(), ys = pts.stream().mapToDouble(y).toArray();
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE).setLineColor(colour);
        if (!main) s.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{4f, 4f}, 0f)).setShowInLegend(false);
        else s.setLineStyle(new BasicStroke(2f));
    }

    private static Color colour(String variant) {
        int i = ORDER.indexOf(variant);
        return i >= 0 ? COLOURS[i] : Color.ORANGE;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(720).height(480).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setChartBackgroundColor(Color.WHITE).setMarkerSize(0);
        c.getStyler().setXAxisDecimalPattern("#,###").setXAxisMin(0.0);
        return c;
    }

}
