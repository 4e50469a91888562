package jepa.analysis;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A PNG of planning episodes over their frames: per episode the start frame (grey, 28×28 scaled up) with the path the
 * world model predicted for the plan (orange: predicted states read out by the rollout probe), the path the dot took
 * when the plan was executed (white), the start (green) and the goal (red, with the success radius).
 */
public final class PlanningStrip {
    public static final int SCALE = 8, SIDE = 28 * SCALE, GAP = 4;

    /** One episode: the start frame (784 values), the predicted and executed centres (px), start, goal, radius. */
    public record Panel(float[] frame, double[][] predicted, double[][] executed, float[] goal, double radius) {}

    private PlanningStrip() {}

    public static void write(List<Panel> panels, Path png) {
        BufferedImage img = new BufferedImage(panels.size() * (SIDE + GAP) + GAP, SIDE + 2 * GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int ox = GAP + p * (SIDE + GAP), oy = GAP;
            float max = 1e-9f;
            for (float v : panel.frame()) max = Math.max(max, v);
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++) {
                    int v = (int) Math.max(0, Math.min(255, 180 * panel.frame()[r * 28 + c] / max));
                    g.setColor(new Color(v, v, v));
                    g.fillRect(ox + c * SCALE, oy + r * SCALE, SCALE, SCALE);
                }
            g.setStroke(new BasicStroke(2f));
            path(g, panel.predicted(), ox, oy, new Color(255, 150, 0));
            path(g, panel.executed(), ox, oy, Color.WHITE);
            dot(g, panel.executed()[0], ox, oy, new Color(0, 200, 0), 5);
            double rr = panel.radius() * SCALE;
            g.setColor(Color.RED);
            g.drawOval((int) Math.round(ox + (panel.goal()[0] + 0.5) * SCALE - rr), (int) Math.round(oy + (panel.goal()[1] + 0.5) * SCALE - rr),
                    (int) Math.round(2 * rr), (int) Math.round(2 * rr));
            dot(g, new double[]{panel.goal()[0], panel.goal()[1]}, ox, oy, Color.RED, 4);
        }
        g.dispose();
        try {
            if (png.getParent() != null) Files.createDirectories(png.getParent());
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private static void path(Graphics2D g, double[][] pts, int ox, int oy, Color color) {
        Path2D line = new Path2D.Double();
        for (int i = 0; i < pts.length; i++) {
            double x = ox + (pts[i][0] + 0.5) * SCALE, y = oy + (pts[i][1] + 0.5) * SCALE;
            if (i == 0) line.moveTo(x, y); else line.lineTo(x, y);
        }
        g.setColor(color);
        g.draw(line);
    }

    private static void dot(Graphics2D g, double[] p, int ox, int oy, Color color, int r) {
        g.setColor(color);
        g.fillOval((int) Math.round(ox + (p[0] + 0.5) * SCALE - r), (int) Math.round(oy + (p[1] + 0.5) * SCALE - r), 2 * r, 2 * r);
    }
}
