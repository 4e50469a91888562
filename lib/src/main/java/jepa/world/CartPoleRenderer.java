package jepa.world;

/**
 * Gym's CartPole picture (the 600×400 scene of {@code CartPoleEnv.render}) drawn directly at a small size, so frames
 * need no full-size render and resize. The scene: white background; the track, a black horizontal line at height
 * 100; the cart, a black 50×30 rectangle centred at (300 + 125·x, 100) (125 px per metre: the ±2.4 m world spans the
 * 600 px width); the pole, a 10 px wide (202, 152, 101) bar from 5 px below the axle to 125 px (= 2 half-lengths)
 * above it, rotated by θ about the axle (positive θ leans towards +x); the axle, a (129, 132, 203) disc of radius 5
 * at 7.5 px above the cart's centre. Scene y points up; image row 0 is the top (Gym flips the surface too).
 * <p>
 * The scene is mapped onto width×height pixels by stretching each axis (as resizing Gym's frame would), and each
 * pixel's colour is the mean over antialias×antialias evenly spread samples (1 = one sample at the pixel centre: hard
 * edges, exact colours). The track, 1 px in Gym's scene, stays one whole pixel row at every size so that it never
 * vanishes between sample rows. Grey frames are the BT.601 luma of the RGB colour. Output: unsigned bytes in
 * channels×height×width order; a pure function of the state (no randomness, no shared state).
 */
public final class CartPoleRenderer {

    public static final double SCENE_WIDTH = 600, SCENE_HEIGHT = 400;
    public static final double SCALE = SCENE_WIDTH / (2 * CartPole.X_THRESHOLD);
    public static final double POLE_WIDTH = 10, POLE_LENGTH = SCALE * 2 * CartPole.HALF_LENGTH;
    public static final double CART_WIDTH = 50, CART_HEIGHT = 30, CART_Y = 100, AXLE_OFFSET = CART_HEIGHT / 4;
    public static final double AXLE_RADIUS = POLE_WIDTH / 2;

    private static final int[] BACKGROUND = {255, 255, 255}, CART = {0, 0, 0}, POLE = {202, 152, 101}, AXLE = {129, 132, 203},
            TRACK = {0, 0, 0};

    private final int width, height, channels, antialias;
    private final int trackRow;

    /** channels: 1 (grey) or 3 (RGB); antialias: samples per pixel side, ≥ 1. */
    public CartPoleRenderer(int width, int height, int channels, int antialias) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("frame size must be positive, got " + width + "×" + height);
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
        if (antialias < 1) throw new IllegalArgumentException("antialias must be >= 1, got " + antialias);
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.antialias = antialias;
        // the row holding the scene's line y ∈ [100, 101) (row 299 at full size, as Gym's flipped hline)
        this.trackRow = Math.min(height - 1, (int) Math.floor((SCENE_HEIGHT - CART_Y - 0.5) * height / SCENE_HEIGHT));
    }

    /** The renderer of a configuration's frames (cartpole.frame-width, frame-height, color, antialias). */
    public static CartPoleRenderer of(jepa.settings.CartPoleConfig c) {
        return new CartPoleRenderer(c.frameWidth(), c.frameHeight(), c.channels(), c.antialias());
    }

    public int width() { return width; }
    public int height() { return height; }
    public int channels() { return channels; }
    public int antialias() { return antialias; }

    /** Bytes per frame: channels·height·width. */
    public int frameSize() { return channels * height * width; }

    public byte[] render(CartPole.State s) {
        byte[] frame = new byte[frameSize()];
        render(s, frame, 0);
        return frame;
    }

    /** Draws the frame of state s into dst[offset, offset + frameSize()). */
    public void render(CartPole.State s, byte[] dst, int offset) {
        double cartX = s.x() * SCALE + SCENE_WIDTH / 2;
        double axleX = cartX, axleY = CART_Y + AXLE_OFFSET;
        double cos = Math.cos(s.theta()), sin = Math.sin(s.theta());
        double sx = SCENE_WIDTH / width, sy = SCENE_HEIGHT / height;
        int k = antialias, plane = width * height;
        double inv = 1.0 / (k * k);
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int red = 0, green = 0, blue = 0;
                if (r == trackRow) {
                    red = TRACK[0] * k * k;
                    green = TRACK[1] * k * k;
                    blue = TRACK[2] * k * k;
                } else {
                    for (int j = 0; j < k; j++) {
                        double y = SCENE_HEIGHT - (r + (j + 0.5) / k) * sy;          // scene y, up
                        for (int i = 0; i < k; i++) {
                            double x = (c + (i + 0.5) / k) * sx;
                            int[] colour = colourAt(x, y, cartX, axleX, axleY, cos, sin);
                            red += colour[0];
                            green += colour[1];
                            blue += colour[2];
                        }
                    }
                }
                int p = offset + r * width + c;
                if (channels == 3) {
                    dst[p] = (byte) Math.round(red * inv);
                    dst[p + plane] = (byte) Math.round(green * inv);
                    dst[p + 2 * plane] = (byte) Math.round(blue * inv);
                } else {
                    dst[p] = (byte) Math.round((0.299 * red + 0.587 * green + 0.114 * blue) * inv);
                }
            }
        }
    }

    /** The colour of scene point (x, y), painted in Gym's order: cart, pole, axle. */
    private static int[] colourAt(double x, double y, double cartX, double axleX, double axleY, double cos, double sin) {
        double dx = x - axleX, dy = y - axleY;
        if (dx * dx + dy * dy <= AXLE_RADIUS * AXLE_RADIUS) return AXLE;
        // pole frame: undo Gym's rotation by −θ (u across the pole, v along it from the axle)
        double u = dx * cos - dy * sin, v = dx * sin + dy * cos;
        if (Math.abs(u) <= POLE_WIDTH / 2 && v >= -POLE_WIDTH / 2 && v <= POLE_LENGTH - POLE_WIDTH / 2) return POLE;
        if (Math.abs(x - cartX) <= CART_WIDTH / 2 && Math.abs(y - CART_Y) <= CART_HEIGHT / 2) return CART;
        return BACKGROUND;
    }
}
