package jepa.plan;

/**
 * One goal-reaching episode: the dot's start and goal centres (px) and the two frames rendered there with the world's
 * noise (un-normalised, start then goal, each C×28×28).
 */
public record Episode(float[] start, float[] goal, float[] frames) {
    /** The distance (px) between two centres. */
    public static double distance(float[] a, float[] b) { return Math.hypot(a[0] - b[0], a[1] - b[1]); }
}
