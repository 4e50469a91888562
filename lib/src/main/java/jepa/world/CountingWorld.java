package jepa.world;

import jepa.settings.CountingConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The counting world of seed 002 (§2.3, App. D). An observation is a side×side RGB frame (uint8, black background)
 * with k ∈ {0..max-count} objects; k = 0 is all black. Each episode draws one shape and one colour and keeps them;
 * object positions are redrawn for every observation, objects never touch. An action a ∈ [−1, 1] adds one object if
 * a ≥ 0 and removes one if a < 0 (with three-way actions, |a| < no-op-threshold does nothing), the count clamped to
 * [0, max-count]. The reward of an observation is 1 iff its count is the target n (the paper's p(o)).
 * <p>
 * An episode starts at k uniform in 0..max-count and takes actions from the random data policy (uniform in [−1, 1],
 * each repeated action-repeat steps) until episode-length actions were taken or, with end-on-success, grace-steps
 * actions after the first observation with count n (the one-step grace lets the success frame be the source of a
 * transition, so reward 1 is observed). Its rows are the observations in order: row t holds observation t, the
 * action taken from it and the count it leads to; the last row is the final observation, with action NaN and
 * next_count −1, so every transition (row t → row t+1) has both frames.
 * <p>
 * An episode is a pure function of (dataset seed, split, episode id): its own stream, split into one stream for the episode's
 * draws (k₀, shape, colour), one for actions and one for frames (split again per observation), so the counts and
 * actions do not depend on rendering and the bytes do not depend on partitioning or generation order.
 */
public final class CountingWorld {

    /** One observation row, the fields of the Parquet view {@code counting}. frame: 3×side×side uint8, channel-major. */
    public record Step(long episode, int step, int count, float action, int nextCount, float reward, String shape,
                       int[] colour, byte[] frame) {
        /** Whether an action was taken from this observation (false for the last row of an episode). */
        public boolean hasTransition() { return nextCount >= 0; }
    }

    /** One episode: its shape and colour (also in every row) and its rows in step order. */
    public record Episode(long episode, String shape, int[] colour, List<Step> steps) {}

    /** No action was taken from the last observation of an episode. */
    public static final int NO_NEXT = -1;

    // Fixed salt (not a hash of a name): separates these streams from the moving-dot world's under the same seed.
    private static final long SALT_COUNTING = 0x7A3B1C5E9D2F4A61L;

    private final CountingConfig config;
    private final List<CountingShape> shapes;
    private final int side, r, sep, span;

    public CountingWorld(CountingConfig config) {
        this.config = config;
        List<CountingShape> s = new ArrayList<>();
        for (String id : config.shapes()) s.add(CountingShape.of(id));
        this.shapes = Collections.unmodifiableList(s);
        this.side = config.imageSize();
        this.r = config.radius();
        this.sep = config.separation();
        this.span = side - 2 * r;                   // centres lie in [r, side − 1 − r], so every box is inside the frame
    }

    public CountingConfig config() { return config; }

    /** Bytes of one frame: 3 channels × side × side. */
    public int frameBytes() { return 3 * side * side; }

    /** The episode with its frames. */
    public Episode episode(long datasetSeed, Split split, long episodeId) { return generate(datasetSeed, split, episodeId, true); }

    /** The same counts, actions and rewards as {@link #episode}, without rendering (every frame null). */
    public Episode counts(long datasetSeed, Split split, long episodeId) { return generate(datasetSeed, split, episodeId, false); }

    private Episode generate(long datasetSeed, Split split, long episodeId, boolean render) {
        SplittableRandom root = new SplittableRandom(SequenceSeed.seed(datasetSeed, SALT_COUNTING ^ SequenceSeed.salt(split), episodeId));
        SplittableRandom draws = root.split(), actions = root.split(), frames = root.split();
        int k = draws.nextInt(config.maxCount() + 1);
        CountingShape shape = shapes.get(draws.nextInt(shapes.size()));
        int[] colour = new int[3];
        for (int c = 0; c < 3; c++) colour[c] = draws.nextInt(config.colourMin(), config.colourMax());

        List<Step> steps = new ArrayList<>(config.episodeLength() + 1);
        int firstSuccess = -1;
        float a = Float.NaN;
        byte[] frame = null;
        boolean previousNoOp = false;
        for (int t = 0; ; t++) {
            SplittableRandom frameRng = frames.split();     // one per observation, drawn or not: keeps streams aligned
            if (render) frame = previousNoOp && config.keepFrameOnNoOp() ? frame : render(k, shape, colour, frameRng);
            float reward = reward(k);
            if (reward == 1f && firstSuccess < 0) firstSuccess = t;
            boolean last = t == config.episodeLength()
                    || (config.endOnSuccess() && firstSuccess >= 0 && t >= firstSuccess + config.graceSteps());
            if (last) {
                steps.add(new Step(episodeId, t, k, Float.NaN, NO_NEXT, reward, shape.id(), colour, frame));
                break;
            }
            if (t % config.actionRepeat() == 0) a = (float) (2 * actions.nextDouble() - 1);
            int next = next(k, a);
            steps.add(new Step(episodeId, t, k, a, next, reward, shape.id(), colour, frame));
            previousNoOp = effect(a) == 0;
            k = next;
        }
        return new Episode(episodeId, shape.id(), colour, Collections.unmodifiableList(steps));
    }

    /** The action's effect on the count before clamping: +1, −1, or 0 (three-way no-op). */
    public int effect(float a) {
        if (Float.isNaN(a)) throw new IllegalArgumentException("action is NaN");
        if (config.threeWay() && Math.abs(a) < config.noOpThreshold()) return 0;
        return a < 0 ? -1 : 1;
    }

    /** The count after action a from count k. */
    public int next(int k, float a) { return Math.max(0, Math.min(config.maxCount(), k + effect(a))); }

    /** 1 iff the count is the target. */
    public float reward(int k) { return k == config.target() ? 1f : 0f; }

    /** A frame with k objects of the given shape and colour at fresh non-touching positions drawn from rng. */
    public byte[] render(int k, CountingShape shape, int[] colour, SplittableRandom rng) {
        byte[] img = new byte[frameBytes()];
        int[] cx = new int[k], cy = new int[k];
        for (int i = 0; i < k; i++) {
            place(cx, cy, i, rng);
            draw(img, cx[i], cy[i], shape, colour);
        }
        return img;
    }

    /** Object i's centre: random draws until one is free, then uniform among all free centres (one always exists). */
    private void place(int[] cx, int[] cy, int i, SplittableRandom rng) {
        for (int t = 0; t < config.placementTries(); t++) {
            int x = r + rng.nextInt(span), y = r + rng.nextInt(span);
            if (free(cx, cy, i, x, y)) { cx[i] = x; cy[i] = y; return; }
        }
        int n = 0;
        for (int y = r; y < r + span; y++) for (int x = r; x < r + span; x++) if (free(cx, cy, i, x, y)) n++;
        if (n == 0) throw new IllegalStateException("no free centre for object " + (i + 1) + ": counting.radius / min-gap too large");
        int pick = rng.nextInt(n);
        for (int y = r; y < r + span; y++)
            for (int x = r; x < r + span; x++)
                if (free(cx, cy, i, x, y) && pick-- == 0) { cx[i] = x; cy[i] = y; return; }
    }

    /** Whether (x, y) keeps its box at least min-gap px from the boxes of the first n objects. */
    private boolean free(int[] cx, int[] cy, int n, int x, int y) {
        for (int j = 0; j < n; j++) if (Math.abs(cx[j] - x) < sep && Math.abs(cy[j] - y) < sep) return false;
        return true;
    }

    private void draw(byte[] img, int x, int y, CountingShape shape, int[] colour) {
        int plane = side * side;
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++) {
                if (!shape.covers(dx, dy, r)) continue;
                int p = (y + dy) * side + x + dx;
                for (int c = 0; c < 3; c++) img[c * plane + p] = (byte) colour[c];
            }
    }

    /** The encoder's input for a frame: pixel/255 − ½ ∈ [−0.5, 0.5] (TD-MPC2's pixel preprocessing), same layout. */
    public static void toEncoderInput(byte[] frame, float[] out, int offset) {
        for (int i = 0; i < frame.length; i++) out[offset + i] = (frame[i] & 0xFF) / 255f - 0.5f;
    }

    /** {@link #toEncoderInput(byte[], float[], int)} into a new array. */
    public static float[] toEncoderInput(byte[] frame) {
        float[] out = new float[frame.length];
        toEncoderInput(frame, out, 0);
        return out;
    }
}
