package jepa.world;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CartPoleRendererTest {

    private static int u(byte b) { return b & 0xFF; }

    private static boolean isRgb(byte[] f, int plane, int p, int r, int g, int b) {
        return u(f[p]) == r && u(f[p + plane]) == g && u(f[p + 2 * plane]) == b;
    }

    @Test
    void deterministicAndPure() {
        CartPole.State s = new CartPole.State(0.37, 1.2, -0.11, 0.4);
        for (int aa : new int[] {1, 3}) {
            CartPoleRenderer a = new CartPoleRenderer(64, 64, 1, aa);
            byte[] first = a.render(s);
            a.render(new CartPole.State(-1, 0, 0.2, 0));                     // no state carried between frames
            assertArrayEquals(first, a.render(s));
            assertArrayEquals(first, new CartPoleRenderer(64, 64, 1, aa).render(s));
            byte[] shifted = new byte[first.length + 5];
            a.render(s, shifted, 5);
            assertArrayEquals(first, Arrays.copyOfRange(shifted, 5, shifted.length));
        }
    }

    @Test
    void configuredRenderer() {
        jepa.settings.CartPoleConfig c = jepa.config.JepaConfig.load(null, java.util.List.of("cartpole.color=rgb", "cartpole.frame-width=32")).cartpole();
        CartPoleRenderer r = CartPoleRenderer.of(c);
        assertEquals(3 * 64 * 32, r.frameSize());
        assertEquals(4, r.antialias());
    }

    @Test
    void velocitiesDoNotShow() {
        CartPoleRenderer r = new CartPoleRenderer(64, 64, 3, 2);
        assertArrayEquals(r.render(new CartPole.State(0.2, 0, 0.1, 0)), r.render(new CartPole.State(0.2, -3, 0.1, 5)));
    }

    @Test
    void greyIsTheLumaOfRgb() {
        CartPole.State s = new CartPole.State(-0.8, 0, 0.15, 0);
        byte[] rgb = new CartPoleRenderer(64, 48, 3, 1).render(s), grey = new CartPoleRenderer(64, 48, 1, 1).render(s);
        int plane = 64 * 48;
        assertEquals(3 * plane, rgb.length);
        assertEquals(plane, grey.length);
        for (int p = 0; p < plane; p++)
            assertEquals(Math.round(0.299 * u(rgb[p]) + 0.587 * u(rgb[p + plane]) + 0.114 * u(rgb[p + 2 * plane])), u(grey[p]));
    }

    @Test
    void sceneColoursAndTrackAtFullSize() {
        CartPoleRenderer r = new CartPoleRenderer(600, 400, 3, 1);
        byte[] f = r.render(new CartPole.State(0, 0, 0, 0));
        int plane = 600 * 400;
        assertTrue(isRgb(f, plane, 0, 255, 255, 255), "background");
        for (int c = 0; c < 600; c += 37) assertTrue(isRgb(f, plane, 299 * 600 + c, 0, 0, 0), "track row 299, column " + c);
        assertTrue(isRgb(f, plane, (399 - 90) * 600 + 300, 0, 0, 0), "cart below the axle");
        assertTrue(isRgb(f, plane, (399 - 107) * 600 + 300, 129, 132, 203), "axle");
        assertTrue(isRgb(f, plane, (399 - 200) * 600 + 300, 202, 152, 101), "pole");
        assertTrue(isRgb(f, plane, (399 - 240) * 600 + 300, 255, 255, 255), "above the pole's tip (107.5 + 120)");
        assertTrue(isRgb(f, plane, (399 - 200) * 600 + 310, 255, 255, 255), "beside the pole");
    }

    /** Centroid column of the cart's black pixels (the track row excluded) in pixel units (pixel c spans [c, c+1)). */
    private static double cartColumn(byte[] grey, int w, int h, int trackRow) {
        double sum = 0;
        int n = 0;
        for (int r = 0; r < h; r++) {
            if (r == trackRow) continue;
            for (int c = 0; c < w; c++) if (u(grey[r * w + c]) == 0) { sum += c + 0.5; n++; }
        }
        assertTrue(n > 0, "cart visible");
        return sum / n;
    }

    @Test
    void cartPositionFollowsX() {
        for (int[] size : new int[][] {{120, 80}, {64, 64}}) {
            int w = size[0], h = size[1];
            CartPoleRenderer r = new CartPoleRenderer(w, h, 1, 1);
            int track = (int) Math.floor(299.5 * h / 400);
            double previous = -1;
            for (int i = -5; i <= 5; i++) {                                 // x = −2 … 2 m: the whole cart in view
                double x = 0.4 * i;
                double col = cartColumn(r.render(new CartPole.State(x, 0, 0, 0)), w, h, track);
                double expected = (300 + 125 * x) * w / 600;
                assertEquals(expected, col, 0.5 * w / 64.0 + 0.35, "x = " + x + " at " + w + "×" + h);
                assertTrue(col > previous, "monotone in x");
                previous = col;
            }
        }
    }

    /** The pole's axis from the second moments of its pixels, as an angle from vertical in scene units (+ = towards +x). */
    private static double poleAngle(byte[] rgb, int w, int h) {
        int plane = w * h;
        double sx = 600.0 / w, sy = 400.0 / h;
        double mx = 0, my = 0;
        int n = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                if (isRgb(rgb, plane, r * w + c, 202, 152, 101)) { mx += (c + 0.5) * sx; my += (h - r - 0.5) * sy; n++; }
        assertTrue(n > 10, "pole visible");
        mx /= n;
        my /= n;
        double sxx = 0, syy = 0, sxy = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                if (isRgb(rgb, plane, r * w + c, 202, 152, 101)) {
                    double dx = (c + 0.5) * sx - mx, dy = (h - r - 0.5) * sy - my;
                    sxx += dx * dx;
                    syy += dy * dy;
                    sxy += dx * dy;
                }
        // principal axis angle from the y axis: tan(2φ) = 2sxy / (syy − sxx)
        return 0.5 * Math.atan2(2 * sxy, syy - sxx);
    }

    @Test
    void poleAngleFollowsTheta() {
        for (int[] size : new int[][] {{300, 200}, {150, 100}}) {
            CartPoleRenderer r = new CartPoleRenderer(size[0], size[1], 3, 1);
            for (double theta = -0.4; theta <= 0.4001; theta += 0.1) {
                double measured = poleAngle(r.render(new CartPole.State(0.3, 0, theta, 0)), size[0], size[1]);
                assertEquals(theta, measured, size[0] == 300 ? 0.01 : 0.03, "θ = " + theta + " at " + size[0] + "×" + size[1]);
            }
        }
    }

    @Test
    void atTheDefaultSizeThePoleLeansWithTheta() {
        CartPoleRenderer r = new CartPoleRenderer(64, 64, 1, 4);
        double previous = Double.NEGATIVE_INFINITY;
        for (double theta = -0.2; theta <= 0.2001; theta += 0.05) {
            byte[] f = r.render(new CartPole.State(0, 0, theta, 0));
            // the top rows the pole reaches: darkness-weighted mean column of rows 20..32 (above the cart, below the tip)
            double sum = 0, weight = 0;
            for (int row = 20; row <= 32; row++)
                for (int c = 0; c < 64; c++) { double d = 255 - u(f[row * 64 + c]); sum += d * (c + 0.5); weight += d; }
            assertTrue(weight > 0);
            double col = sum / weight;
            assertTrue(col > previous, "θ = " + theta);
            previous = col;
            assertEquals(theta > 0.01 ? 1 : theta < -0.01 ? -1 : 0, Math.abs(col - 32) < 0.3 ? 0 : (int) Math.signum(col - 32), "θ = " + theta);
        }
    }

    @Test
    void antialiasingBlendsEdges() {
        CartPole.State s = new CartPole.State(0.1, 0, 0.07, 0);
        byte[] hard = new CartPoleRenderer(64, 64, 1, 1).render(s), soft = new CartPoleRenderer(64, 64, 1, 4).render(s);
        java.util.Set<Integer> hardValues = new java.util.TreeSet<>(), softValues = new java.util.TreeSet<>();
        double hardSum = 0, softSum = 0;
        for (int p = 0; p < hard.length; p++) {
            hardValues.add(u(hard[p]));
            softValues.add(u(soft[p]));
            hardSum += u(hard[p]);
            softSum += u(soft[p]);
        }
        assertEquals(java.util.Set.of(0, 139, 161, 255), hardValues, "without antialiasing only the scene's colours");
        assertTrue(softValues.size() > 8, "blended edge values");
        assertEquals(hardSum / hard.length, softSum / soft.length, 3.0, "same ink overall");
        assertFalse(Arrays.equals(hard, soft));
    }
}
