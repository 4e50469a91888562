package jepa.jobs;

import jepa.analysis.Clusters;
import jepa.config.JepaConfig;
import jepa.settings.ConfigError;
import jepa.world.RunKind;
import jepa.world.Worlds;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a counting-world sweep (seed 002), into {@code <data-root>/results/counting-report/}: first the
 * analysis — the bisimulation table's data rows for every dataset of the sweep (the count quotient and D's
 * observations) —, then per finished run Fig. 2 at its best checkpoint (MLlib PCA of its figure embeddings coloured by
 * count, their pairwise distances sorted by count with the count boundaries, observations beside the decoder's
 * outputs; PNG + CSV), the clusters table (start, best and last checkpoint) and the Theorem 3 table. Aggregation is
 * Spark SQL over the views; this class formats.
 */
public final class CountingReport {
    static final String OUTPUT = "counting-report";
    private static final Color[] COUNT_COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private CountingReport() {}

    /** Whether a config's sweep is over worlds whose runs are counting runs (then the report is this one). */
    static boolean applies(JepaConfig cfg) {
        return cfg.sweep().worlds().stream().allMatch(w -> Worlds.of(w).runKind() == RunKind.COUNT_CLUSTERS);
    }

    public static Report.ReportResult report(SparkSession spark, JepaConfig cfg) {
        System.setProperty("java.awt.headless", "true");
        String root = cfg.dataRoot();
        List<Row> data = new ArrayList<>();
        for (JepaConfig d : Pipeline.datasets(cfg).values())
            if (new DataFiles(spark.sparkContext().hadoopConfiguration()).exists(JepaConfig.join(d.datasetDir(), Generate.METADATA)))
                data.addAll(CountingTables.dataRows(spark, d));
        CountingTables.writeDataRows(spark, root, data);
        List<String> views = Sql.register(spark, root);
        if (!views.contains("runs") || !views.contains("clusters"))
            throw new ConfigError("no runs/clusters tables under " + JepaConfig.join(root, "results") + " (found: " + views
                    + "): run submit/jepa sweep with a counting config first");
        ReportText.Table clusters = ReportText.Table.of(spark.sql(clustersSql()));
        ReportText.Table theorem3 = ReportText.Table.of(spark.sql(theorem3Sql()));
        ReportText.Table curves = ReportText.Table.of(spark.sql("SELECT r.method, r.seed, c.* FROM clusters c JOIN runs r ON c.run_id = r.run_id "
                + "WHERE r.world = 'counting' AND r.status = 'finished' ORDER BY " + Report.methodOrder("r.method") + ", r.seed, c.step"));
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<String> sections = new ArrayList<>();
        List<BufferedImage[]> panels = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Row r : clusters.rows()) {
            String run = r.getAs("run_id"), method = r.getAs("method");
            Path dir = Path.of(root, "runs", run);
            if (!Files.exists(dir.resolve(jepa.train.CountingRun.FIGURE))) continue;
            String label = method + "-s" + r.getAs("seed");
            Figure f = figure(spark, dir);
            out.put("fig2_" + label + "_pca.csv", Report.utf8(f.pcaCsv()));
            out.put("fig2_" + label + "_distances.csv", Report.utf8(f.distanceCsv()));
            BufferedImage pca = pcaPlot(f, label + " (step " + f.step + ")"), heat = heatmap(f), strip = read(dir.resolve(jepa.train.CountingRun.STRIP));
            out.put("fig2_" + label + "_pca.png", ReportPlots.png(pca));
            out.put("fig2_" + label + "_distances.png", ReportPlots.png(heat));
            if (strip != null) out.put("fig2_" + label + "_strip.png", ReportPlots.png(strip));
            panels.add(new BufferedImage[]{pca, heat, strip});
            labels.add(label + ", step " + f.step);
            sections.add(label);
        }
        if (!panels.isEmpty()) out.put("fig2.png", ReportPlots.png(grid(panels, labels)));
        out.put("clusters.csv", Report.utf8(clusters.csv()));
        out.put("clusters_per_checkpoint.csv", Report.utf8(curves.csv()));
        out.put("theorem3.csv", Report.utf8(theorem3.csv()));
        String md = markdown(root, cfg, clusters, theorem3, !panels.isEmpty(), List.copyOf(out.keySet()));
        out.put("report.md", Report.utf8(md));
        String target = JepaConfig.join(root, "results", OUTPUT);
        Report.write(spark, target, out);
        return new Report.ReportResult(target, List.copyOf(out.keySet()), md, clusters.rows().size());
    }

    /** Per finished counting run: the clusters at the start, at the best trained checkpoint (Fig. 2's) and at the last. */
    static String clustersSql() {
        String runs = "SELECT run_id, method, seed, dataset FROM runs WHERE world = 'counting' AND status = 'finished'";
        return "WITH c AS (SELECT c.*, r.method, r.seed, r.dataset FROM clusters c JOIN (" + runs + ") r ON c.run_id = r.run_id), "
                + "ranked AS (SELECT *, row_number() OVER (PARTITION BY run_id ORDER BY step > 0 DESC, nc_accuracy DESC, step) AS best_rank, "
                + "row_number() OVER (PARTITION BY run_id ORDER BY step DESC) AS last_rank, "
                + "row_number() OVER (PARTITION BY run_id ORDER BY step) AS first_rank FROM c) "
                + "SELECT b.method, b.seed, b.dataset, f.nc_accuracy AS start_nc_accuracy, b.step AS best_step, b.nc_accuracy AS best_nc_accuracy, "
                + "b.rankme AS best_rankme, b.feature_std AS best_feature_std, b.within_dist AS best_within_dist, b.across_dist AS best_across_dist, "
                + "l.step AS last_step, l.nc_accuracy AS last_nc_accuracy, l.rankme AS last_rankme, l.feature_std AS last_feature_std, "
                + "l.within_dist AS last_within_dist, l.across_dist AS last_across_dist, b.run_id "
                + "FROM ranked b JOIN ranked l ON b.run_id = l.run_id AND l.last_rank = 1 JOIN ranked f ON b.run_id = f.run_id AND f.first_rank = 1 "
                + "WHERE b.best_rank = 1 ORDER BY " + Report.methodOrder("b.method") + ", b.method, b.seed";
    }

    /** Def. 4 per dataset (quotient, observations), and Theorem 3 per finished counting run. */
    static String theorem3Sql() {
        return "SELECT b.dataset, b.level, coalesce(r.method, '(data)') AS method, r.seed, b.states, b.sources, b.classes, b.certified_pairs, "
                + "b.step, b.min_certified_distance, b.median_within_distance, b.min_certified_distance / b.median_within_distance AS ratio, b.run_id "
                + "FROM bisimulation b LEFT JOIN runs r ON b.run_id = r.run_id "
                + "WHERE b.run_id IS NULL OR (r.world = 'counting' AND r.status = 'finished') "
                + "ORDER BY b.dataset, b.run_id IS NOT NULL, b.level DESC, " + Report.methodOrder("r.method") + ", r.seed";
    }

    /** Fig. 2's data of a run: the figure embeddings' counts, their 2-D PCA (MLlib) and their pairwise distances. */
    record Figure(long step, int[] counts, double[][] pca, double[][] distances, int[] order) {
        String pcaCsv() {
            StringBuilder b = new StringBuilder("step,count,pc1,pc2\n");
            for (int i = 0; i < counts.length; i++)
                b.append(step).append(',').append(counts[i]).append(',').append(pca[i][0]).append(',').append(pca[i][1]).append('\n');
            return b.toString();
        }

        /** The distance matrix in heatmap order (by count), with the counts as the first row and column. */
        String distanceCsv() {
            StringBuilder b = new StringBuilder("count");
            for (int j : order) b.append(',').append(counts[j]);
            b.append('\n');
            for (int i : order) {
                b.append(counts[i]);
                for (int j : order) b.append(',').append(String.format(Locale.ROOT, "%.6g", distances[i][j]));
                b.append('\n');
            }
            return b.toString();
        }
    }

    static Figure figure(SparkSession spark, Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(jepa.train.CountingRun.FIGURE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = lines.size() - 1;
        int[] counts = new int[n];
        double[][] z = new double[n][];
        long step = 0;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            step = Long.parseLong(f[0]);
            counts[i] = Integer.parseInt(f[2]);
            z[i] = new double[f.length - 3];
            for (int j = 3; j < f.length; j++) z[i][j - 3] = Double.parseDouble(f[j]);
            rows.add(RowFactory.create(i, Vectors.dense(z[i])));
        }
        StructType schema = new StructType().add("i", DataTypes.IntegerType).add("z", SQLDataTypes.VectorType());
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        PCAModel model = new PCA().setInputCol("z").setOutputCol("pc").setK(2).fit(df);
        double[][] pca = new double[n][];
        for (Row r : model.transform(df).select("i", "pc").collectAsList()) pca[r.getInt(0)] = ((DenseVector) r.get(1)).toArray();
        double[][] d = Clusters.distances(Nd4j.create(z));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> counts[i]).thenComparingInt(i -> i));
        return new Figure(step, counts, pca, d, java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** Fig. 2 left: the PCA scatter, one colour per count. */
    static BufferedImage pcaPlot(Figure f, String title) {
        XYChart c = new XYChartBuilder().width(460).height(420).title("PCA: " + title).xAxisTitle("PC 1").yAxisTitle("PC 2").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerSize(6)
                .setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(Color.WHITE);
        int max = java.util.Arrays.stream(f.counts()).max().orElse(0);
        for (int k = 0; k <= max; k++) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int i = 0; i < f.counts().length; i++) if (f.counts()[i] == k) { x.add(f.pca()[i][0]); y.add(f.pca()[i][1]); }
            if (x.isEmpty()) continue;
            XYSeries s = c.addSeries("count " + k, x, y);
            s.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(COUNT_COLOURS[k % COUNT_COLOURS.length]);
        }
        return BitmapEncoder.getBufferedImage(c);
    }

    /** Fig. 2 middle: pairwise ℓ2 distances sorted by count, dark = near, red lines at the count boundaries. */
    static BufferedImage heatmap(Figure f) {
        int n = f.order().length, cell = Math.max(1, 400 / Math.max(1, n)), side = n * cell, pad = 10;
        double max = 0;
        for (double[] row : f.distances()) for (double v : row) max = Math.max(max, v);
        BufferedImage img = new BufferedImage(side + 2 * pad, side + 2 * pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                float v = (float) (max > 0 ? f.distances()[f.order()[a]][f.order()[b]] / max : 0);
                g.setColor(new Color(v, v, v));
                g.fillRect(pad + b * cell, pad + a * cell, cell, cell);
            }
        g.setColor(Color.RED);
        g.setStroke(new BasicStroke(1));
        for (int a = 1; a < n; a++)
            if (f.counts()[f.order()[a]] != f.counts()[f.order()[a - 1]]) {
                g.drawLine(pad + a * cell, pad, pad + a * cell, pad + side);
                g.drawLine(pad, pad + a * cell, pad + side, pad + a * cell);
            }
        g.dispose();
        return img;
    }

    /** All runs' Fig. 2 rows in one image: label, PCA, distances, strip. */
    static BufferedImage grid(List<BufferedImage[]> rows, List<String> labels) {
        int w = 0, h = 0, gap = 8, title = 22;
        for (BufferedImage[] r : rows) {
            int rw = 0, rh = 0;
            for (BufferedImage i : r) if (i != null) { rw += i.getWidth() + gap; rh = Math.max(rh, i.getHeight()); }
            w = Math.max(w, rw);
            h += rh + title + gap;
        }
        BufferedImage img = new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        int y = 0;
        for (int k = 0; k < rows.size(); k++) {
            g.setColor(Color.BLACK);
            g.drawString(labels.get(k), 4, y + 16);
            int x = 0, rh = 0;
            for (BufferedImage i : rows.get(k)) {
                if (i == null) continue;
                g.drawImage(i, x, y + title, null);
                x += i.getWidth() + gap;
                rh = Math.max(rh, i.getHeight());
            }
            y += rh + title + gap;
        }
        g.dispose();
        return img;
    }

    static String markdown(String root, JepaConfig cfg, ReportText.Table clusters, ReportText.Table theorem3, boolean figures, List<String> files) {
        StringBuilder b = new StringBuilder("# jepa-spark report: P-JEPA on the counting world (seed 002)\n\n");
        b.append(Report.scaleLine(cfg));
        b.append("- data root: `").append(root).append("`\n");
        b.append("- generated: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n");
        b.append("- runs: ").append(clusters.rows().size()).append(" finished; encoder ").append(cfg.pjepa().encoder())
                .append("; episodes per split (train / probe_train / test) ").append(cfg.dataset().train()).append(" / ")
                .append(cfg.dataset().probeTrain()).append(" / ").append(cfg.dataset().test()).append("; batch ").append(cfg.train().batchSize())
                .append(", ").append(cfg.train().epochs()).append(" epochs")
                .append(cfg.train().sequencesPerEpoch() > 0 ? " of " + cfg.train().sequencesPerEpoch() + " transitions" : "").append("\n");
        b.append("- nearest-centroid accuracy: centroids per count from the probe_train observations, scored on the test "
                + "observations (chance ≈ 1/9); RankMe and feature std of the test embeddings. Fig. 2 is drawn at each run's best "
                + "trained checkpoint (highest accuracy), as the paper did.\n\n");
        b.append("## Clusters (start, best checkpoint, last checkpoint)\n\n");
        b.append(table(clusters, List.of("method", "seed", "start_nc_accuracy", "best_step", "best_nc_accuracy", "best_rankme",
                "best_feature_std", "best_within_dist", "best_across_dist", "last_step", "last_nc_accuracy", "last_rankme", "last_feature_std")));
        b.append("\n## Theorem 3: certified non-bisimilar pairs stay apart\n\n");
        b.append("Def. 4 on D (the first ").append(cfg.pjepa().bisimulationEpisodes()).append(" training episodes; every observation "
                + "its own state, an action its effect class, p = the reward) and on the count quotient of App. C. Per run, at its "
                + "last checkpoint: the smallest embedding distance over the pairs D certifies (R*), against the median distance "
                + "within B*; a zero minimum would be an unhealthy collapse.\n\n");
        b.append(table(theorem3, List.of("dataset", "level", "method", "seed", "states", "sources", "classes", "certified_pairs", "step",
                "min_certified_distance", "median_within_distance", "ratio")));
        b.append("\n## Fig. 2\n\n");
        b.append(figures ? "![Fig. 2](fig2.png)\n\nPer run: PCA of the embeddings of " + cfg.pjepa().figureObservations()
                + " test observations coloured by count; their pairwise distances sorted by count (dark = near, red lines at "
                + "the count boundaries); observations beside the decoder's outputs (min-max scaled per image).\n\n"
                : "No run has figures yet.\n\n");
        b.append("## Files\n\n").append(String.join(", ", files.stream().map(f -> "`" + f + "`").toList())).append(", `report.md`\n");
        return b.toString();
    }

    private static String table(ReportText.Table t, List<String> columns) {
        StringBuilder b = new StringBuilder("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (int i = 0; i < columns.size(); i++) b.append("---|");
        b.append('\n');
        for (Row r : t.rows()) {
            b.append('|');
            for (String c : columns) {
                Object v = r.isNullAt(r.fieldIndex(c)) ? null : r.getAs(c);
                b.append(' ').append(v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(v)).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static BufferedImage read(Path png) {
        try {
            return Files.exists(png) ? ImageIO.read(png.toFile()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
