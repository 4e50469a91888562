package jepa.jobs;

import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.Styler;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The report's PNG plots with XChart (headless). Series come straight from the query rows; no maths here. */
final class ReportPlots {
    private static final int W = 640, H = 460;

    private ReportPlots() {}

    /** x, y and error bars of one series. */
    private record Series(List<Double> x, List<Double> y, List<Double> err) {
        Series() { this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()); }

        void add(double xv, Double yv, Double ev) {
            x.add(xv);
            y.add(yv == null ? Double.NaN : yv);
            err.add(ev == null ? 0.0 : ev);
        }
    }

    /**
     * Fig. 3 / Fig. 5: a panel per noise setting that has runs (uniform / structured × fixed / changing), RMSE vs α per
     * method, mean over seeds with ± std shaded, as the paper draws them; two panels a row.
     */
    static byte[] rmseVsAlpha(List<Row> rows) {
        List<BandChart.Panel> panels = new ArrayList<>();
        for (String[] p : ReportText.panels(rows)) {
            BandChart.Panel panel = new BandChart.Panel(p[0] + " " + p[1] + " noise");
            for (Row r : rows)
                if (ReportText.inPanel(r, p[0], p[1]))
                    panel.series(r.getAs("method")).add(r.<Float>getAs("alpha"), r.getAs("rmse_mean"), r.getAs("rmse_std"));
            panels.add(panel);
        }
        return BandChart.png(panels, "α", "RMSE");
    }

    /**
     * Table 1 against the paper: a panel per column (Average, Action, Random, Stationary), ours (mean, std over seeds as
     * error bars) beside the paper's value per method, for the rows the paper has (null when none has).
     */
    static byte[] table1VsPaper(List<Row> table1) {
        List<Row> rows = table1.stream().filter(r -> r.getAs("paper_average") != null).toList();
        if (rows.isEmpty()) return null;
        List<String> methods = rows.stream().map(r -> r.<String>getAs("method")).toList();
        List<org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts = new ArrayList<>();
        for (String c : ReportText.TABLE1_COLUMNS) {
            org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(W).height(H)
                    .title(Character.toUpperCase(c.charAt(0)) + c.substring(1) + ": ours vs the paper").xAxisTitle("method").yAxisTitle("RMSE").build();
            chart.getStyler().setYAxisDecimalPattern("0.00");
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setChartBackgroundColor(java.awt.Color.WHITE);
            List<Double> ours = new ArrayList<>(), err = new ArrayList<>(), paper = new ArrayList<>();
            for (Row r : rows) {
                Double m = r.getAs(c + "_mean"), e = r.getAs(c + "_std");
                ours.add(m == null ? 0.0 : m);
                err.add(e == null ? 0.0 : e);
                paper.add(r.<Double>getAs("paper_" + c));
            }
            chart.addSeries("ours", methods, ours, err);
            chart.addSeries("paper", methods, paper);
            charts.add(chart);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(charts, 2, 2, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RMSE per rollout step (0–16) per method, error bars = std over seeds. */
    static byte[] perStep(List<Row> perStep, String setting) {
        Map<String, Series> series = new LinkedHashMap<>();
        for (Row r : perStep)
            series.computeIfAbsent(r.getAs("method"), m -> new Series()).add(r.<Integer>getAs("step"), r.getAs("rmse_mean"), r.getAs("rmse_std"));
        return png(List.of(chart("Rollout RMSE per step: " + setting, "step", "RMSE", series, true)), 1, 1);
    }

    /** 2×2: encoder feature std, RankMe and effective rank per epoch, training loss per step; one series per run. */
    static byte[] diagnostics(List<Row> diag, List<Row> loss, String setting) {
        List<XYChart> charts = new ArrayList<>();
        for (String[] m : new String[][]{{"feature_std", "feature std"}, {"rankme", "RankMe"}, {"eff_rank", "effective rank"}})
            charts.add(chart(m[1] + " (encoder, frame 1)", "epoch", m[1], perRun(diag, r -> r.<Integer>getAs("epoch").doubleValue(), m[0]), false));
        charts.add(chart("training loss: " + setting, "step", "loss", perRun(loss, r -> r.<Long>getAs("step").doubleValue(), "value"), false));
        return png(charts, 2, 2);
    }

    private static Map<String, Series> perRun(List<Row> rows, Function<Row, Double> x, String y) {
        Map<String, Series> series = new LinkedHashMap<>();
        for (Row r : rows)
            series.computeIfAbsent(r.getAs("method") + " s" + r.getAs("seed") + " " + shortId(r.getAs("run_id")), k -> new Series())
                    .add(x.apply(r), r.getAs(y), null);
        return series;
    }

    /** The run id's hash suffix tells runs of one method and seed apart. */
    private static String shortId(String runId) {
        int i = runId.lastIndexOf('-');
        return i >= 0 ? runId.substring(i + 1) : runId;
    }

    private static XYChart chart(String title, String x, String y, Map<String, Series> series, boolean errorBars) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal).setMarkerSize(6).setChartBackgroundColor(java.awt.Color.WHITE);
        if (errorBars) c.getStyler().setYAxisDecimalPattern("0.000").setYAxisMin(0.0);   // RMSE panels: comparable, from 0
        if (series.isEmpty()) {   // a panel without data (e.g. no loss curve yet): XChart needs a point to scale its axes
            c.getStyler().setLegendVisible(false);
            c.addSeries("none", new double[]{0}, new double[]{0}).setMarker(SeriesMarkers.NONE);
            return c;
        }
        for (Map.Entry<String, Series> e : series.entrySet()) {
            Series s = e.getValue();
            if (errorBars) c.addSeries(e.getKey(), s.x(), s.y(), s.err());
            else c.addSeries(e.getKey(), s.x(), s.y());
        }
        return c;
    }

    private static byte[] png(List<XYChart> charts, int rows, int cols) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (charts.size() == 1) BitmapEncoder.saveBitmap(charts.get(0), out, BitmapEncoder.BitmapFormat.PNG);
            else BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An image as PNG bytes. */
    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
