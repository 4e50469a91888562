package jepa.jobs;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Panels of lines with a shaded band, as the paper draws Fig. 3 and Fig. 5: per series the mean at each x with markers,
 * and mean ± std filled translucently. XChart has error bars but no bands. Drawing only: the numbers come from queries.
 */
final class BandChart {
    static final int W = 560, H = 420;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** One line: its points in x order. */
    record Series(List<Double> x, List<Double> mean, List<Double> std) {
        Series() { this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()); }

        void add(double xv, Double m, Double s) {
            x.add(xv);
            mean.add(m == null ? Double.NaN : m);
            std.add(s == null || s.isNaN() ? 0.0 : s);
        }
    }

    /** One panel: a title and its series by name (the legend's order). */
    record Panel(String title, Map<String, Series> series) {
        Panel(String title) { this(title, new LinkedHashMap<>()); }

        Series series(String name) { return series.computeIfAbsent(name, k -> new Series()); }
    }

    private BandChart() {}

    /** The panels side by side, two a row, as PNG; the colours follow the series names across panels. */
    static byte[] png(List<Panel> panels, String xLabel, String yLabel) {
        List<String> names = new ArrayList<>();
        for (Panel p : panels) for (String n : p.series().keySet()) if (!names.contains(n)) names.add(n);
        int cols = Math.min(2, panels.size()), rows = (panels.size() + 1) / 2;
        BufferedImage img = new BufferedImage(cols * W, rows * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++) draw(g, panels.get(i), names, (i % 2) * W, (i / 2) * H, xLabel, yLabel);
        g.dispose();
        return ReportPlots.png(img);
    }

    private static void draw(Graphics2D g, Panel p, List<String> names, int ox, int oy, String xLabel, String yLabel) {
        int left = ox + 62, right = ox + W - 16, top = oy + 36, bottom = oy + H - 96;
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMax = 0;
        for (Series s : p.series().values())
            for (int i = 0; i < s.x().size(); i++) {
                xMin = Math.min(xMin, s.x().get(i));
                xMax = Math.max(xMax, s.x().get(i));
                if (!s.mean().get(i).isNaN()) yMax = Math.max(yMax, s.mean().get(i) + s.std().get(i));
            }
        if (!(xMax > xMin)) { xMin -= 0.5; xMax += 0.5; }
        double yTop = niceCeiling(yMax > 0 ? yMax * 1.05 : 1);
        double fx0 = xMin, fx1 = xMax;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - fx0) / (fx1 - fx0) * (right - left);
        java.util.function.DoubleUnaryOperator py = v -> bottom - v / yTop * (bottom - top);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(p.title(), left, oy + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0xdddddd));
        for (int k = 0; k <= 5; k++) {
            int y = (int) Math.round(py.applyAsDouble(yTop * k / 5));
            g.drawLine(left, y, right, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        for (int k = 0; k <= 5; k++) {
            double v = yTop * k / 5;
            g.drawString(String.format(Locale.ROOT, "%.2f", v), ox + 22, (int) Math.round(py.applyAsDouble(v)) + 4);
        }
        List<Double> ticks = new ArrayList<>();
        for (Series s : p.series().values()) for (double v : s.x()) if (!ticks.contains(v)) ticks.add(v);
        for (double v : ticks) {
            int x = (int) Math.round(px.applyAsDouble(v));
            g.drawLine(x, bottom, x, bottom + 4);
            g.drawString(String.format(Locale.ROOT, "%.2g", v), x - 10, bottom + 17);
        }
        g.drawString(xLabel, (left + right) / 2 - 4, bottom + 33);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2, ox + 12, (top + bottom) / 2.0);
        r.drawString(yLabel, ox + 12 - 14, (top + bottom) / 2 + 4);
        r.dispose();

        int legendX = left, legendY = bottom + 52;
        for (Map.Entry<String, Series> e : p.series().entrySet()) {
            Color c = COLORS[names.indexOf(e.getKey()) % COLORS.length];
            Series s = e.getValue();
            Path2D band = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < s.x().size(); i++) {
                if (s.mean().get(i).isNaN()) continue;
                double x = px.applyAsDouble(s.x().get(i)), y = py.applyAsDouble(s.mean().get(i) + s.std().get(i));
                if (!started) band.moveTo(x, y); else band.lineTo(x, y);
                started = true;
            }
            for (int i = s.x().size() - 1; i >= 0; i--) {
                if (s.mean().get(i).isNaN()) continue;
                band.lineTo(px.applyAsDouble(s.x().get(i)), py.applyAsDouble(Math.max(0, s.mean().get(i) - s.std().get(i))));
            }
            if (started) {
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
                g.fill(band);
            }
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            double lx = Double.NaN, ly = Double.NaN;
            for (int i = 0; i < s.x().size(); i++) {
                if (s.mean().get(i).isNaN()) continue;
                double x = px.applyAsDouble(s.x().get(i)), y = py.applyAsDouble(s.mean().get(i));
                if (!Double.isNaN(lx)) g.drawLine((int) Math.round(lx), (int) Math.round(ly), (int) Math.round(x), (int) Math.round(y));
                g.fillOval((int) Math.round(x) - 3, (int) Math.round(y) - 3, 7, 7);
                lx = x;
                ly = y;
            }
            g.fillRect(legendX, legendY - 8, 12, 8);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), legendX + 16, legendY);
            legendX += 20 + g.getFontMetrics().stringWidth(e.getKey()) + 12;
            if (legendX > right - 60) { legendX = left; legendY += 16; }
        }
    }

    /** 1, 2 or 5 times a power of ten, at least v. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
