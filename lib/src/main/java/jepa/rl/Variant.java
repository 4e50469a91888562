package jepa.rl;

/**
 * The runs of seed 003's Fig. 3 and the state sanity run: which observations the agent sees and the paper's three
 * switches — the JEPA loss (J), PPO's gradient into the encoder (∇), the variance regulariser (R).
 */
public enum Variant {
    /** PPO on the 4-D state, no encoder: tells the RL apart from the representation. */
    STATE("state", false, false, false, false),
    /** Ĵ∇R̂: the encoder learns from the actor and critic losses alone. */
    BASELINE("baseline", true, false, true, false),
    /** J∇R̂: JEPA and the RL losses train the encoder (the paper's best). */
    JEPA_RL("jepa+rl", true, true, true, false),
    /** J∇̂R̂: JEPA alone trains the encoder (the paper's collapse). */
    JEPA_ONLY("jepa-only", true, true, false, false),
    /** J∇̂R: JEPA and the variance regulariser train the encoder. */
    JEPA_ONLY_REG("jepa-only+reg", true, true, false, true);

    private final String id;
    private final boolean pixels, jepa, encoderGradient, regularised;

    Variant(String id, boolean pixels, boolean jepa, boolean encoderGradient, boolean regularised) {
        this.id = id;
        this.pixels = pixels;
        this.jepa = jepa;
        this.encoderGradient = encoderGradient;
        this.regularised = regularised;
    }

    /** The name runs, methods and tables use. */
    public String id() { return id; }

    /** Frames through the ViT (else the 4-D state). */
    public boolean pixels() { return pixels; }

    /** J: L_JEPA is part of the loss. */
    public boolean jepa() { return jepa; }

    /** ∇: the actor and critic losses reach the encoder. */
    public boolean encoderGradient() { return encoderGradient; }

    /** R: L_reg is part of the loss. */
    public boolean regularised() { return regularised; }
}
