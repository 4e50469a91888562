package jepa.method;

/**
 * A method with a second, coarser level (H-JEPA): besides the level-1 rollout it predicts one state per window of
 * frames, which the evaluation probes at the windows' last frames.
 */
public interface Hierarchical {
    /** The metrics rows' probe name for the level-2 rollout. */
    String ROLLOUT_L2 = "rollout_l2";

    /** The level-2 rollout [n, W, D2] of a batch with the dots' positions at each window's last frame as targets. */
    ProbeView levelTwoView();

    /** D2, the level-2 representation size. */
    int levelTwoDim();

    /** The frame (0..16) at which window {@code k} ends. */
    int windowEnd(int k);
}
