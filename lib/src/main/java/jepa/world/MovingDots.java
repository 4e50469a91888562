package jepa.world;

import jepa.probe.ProbeEvaluation;

import java.util.List;

/**
 * The moving-dot worlds ({@link MovingDotWorld}): one action-controlled dot, or three (controlled, random, stationary),
 * each in its own channel (seed 000), or one dot in two rooms joined by a door in a wall (seed 001's planning world). Runs are judged by linear probes of the dot positions: along the 16-step latent
 * rollout ("rollout", and its fit error on probe-train, "rollout_train") and on the encoder's output for frame 1
 * ("encoder").
 */
public record MovingDots(String kind, int dots, boolean walled) implements World {
    public static final MovingDots SINGLE = new MovingDots("single", 1, false), THREE_DOTS = new MovingDots("three-dots", 3, false),
            TWO_ROOMS = new MovingDots("two-rooms", 1, true);

    @Override public String view() { return "sequences"; }

    @Override public List<String> evaluations() { return List.of(ProbeEvaluation.ROLLOUT, ProbeEvaluation.ROLLOUT_TRAIN, ProbeEvaluation.ENCODER); }

    /** The dot world a config names; an error naming world.kind when it is another kind of world. */
    public static MovingDots of(jepa.settings.WorldConfig w) {
        if (Worlds.of(w.kind()) instanceof MovingDots d) return d;
        throw new jepa.settings.ConfigError("world.kind = " + w.kind() + " is not a moving-dot world");
    }
}
