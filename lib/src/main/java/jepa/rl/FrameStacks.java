package jepa.rl;

import jepa.nn.VisionTransformer;

/**
 * The frames of a pixel agent's rollout. Per environment, the last three frames: the x of its current step,
 * f_{t−2}, f_{t−1}, f_t; an episode's first frame fills all three (the usual frame-stack reset, so x always holds
 * frames of one episode). Per rollout row, the stack it acted on and the frame after its action, f_{t+1} (for an
 * episode that ended there, its final frame): its y is f_{t−1}, f_t, f_{t+1}. Frames are uint8; inputs are
 * floats ({@link FrameNormalization}), [FRAMES·channels, height, width] per sample.
 */
public final class FrameStacks {
    private static final int K = VisionTransformer.FRAMES;

    private final int envs, frameSize;
    private final FrameNormalization normalization;
    private final byte[][] stacks;       // [env][K·frameSize], oldest first
    private final byte[] rowStacks;      // [row][K·frameSize]
    private final byte[] rowNext;        // [row][frameSize]

    public FrameStacks(int envs, int rows, int frameSize, FrameNormalization normalization) {
        this.envs = envs;
        this.normalization = normalization;
        this.frameSize = frameSize;
        this.stacks = new byte[envs][K * frameSize];
        this.rowStacks = new byte[Math.multiplyExact(rows, K * frameSize)];
        this.rowNext = new byte[Math.multiplyExact(rows, frameSize)];
    }

    public int frameSize() { return frameSize; }

    /** Starts environment env's stack with an episode's first frame in every slot. */
    public void start(int env, byte[] first) {
        for (int k = 0; k < K; k++) System.arraycopy(first, 0, stacks[env], k * frameSize, frameSize);
    }

    /** Appends the environment's newest frame, dropping the oldest. */
    public void push(int env, byte[] frame) {
        byte[] s = stacks[env];
        System.arraycopy(s, frameSize, s, 0, (K - 1) * frameSize);
        System.arraycopy(frame, 0, s, (K - 1) * frameSize, frameSize);
    }

    /** Rows t·envs + e keep the current stacks of step t. */
    public void record(int t) {
        for (int e = 0; e < envs; e++) System.arraycopy(stacks[e], 0, rowStacks, (t * envs + e) * K * frameSize, K * frameSize);
    }

    /** The frame after row's action. */
    public void next(int row, byte[] frame) { System.arraycopy(frame, 0, rowNext, row * frameSize, frameSize); }

    /** Environment env's current stack (x) as floats at dst[offset]. */
    public void current(int env, float[] dst, int offset) { toFloat(stacks[env], 0, dst, offset, K * frameSize); }

    /** Row's x: the stack it acted on. */
    public void x(int row, float[] dst, int offset) { toFloat(rowStacks, row * K * frameSize, dst, offset, K * frameSize); }

    /** Row's y: the newer two frames of its stack and the frame after its action. */
    public void y(int row, float[] dst, int offset) {
        toFloat(rowStacks, (row * K + 1) * frameSize, dst, offset, (K - 1) * frameSize);
        toFloat(rowNext, row * frameSize, dst, offset + (K - 1) * frameSize, frameSize);
    }

    private void toFloat(byte[] src, int from, float[] dst, int offset, int n) {
        normalization.apply(src, from, dst, offset, n, frameSize);
    }
}
