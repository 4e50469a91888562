package jepa.method;

import jepa.world.MovingDots;
import jepa.world.Split;
import jepa.world.World;

/**
 * A method of the registry ({@link Methods}), as the run protocol sees it: whether it trains and on which split. What it
 * trains is its subtype's business: a {@link NetworkMethod} trains a network on the JEPA graph, a {@link Baseline}
 * has no network at all.
 */
public interface Method {
    String name();

    /** False for methods evaluated as they are (Random at its initialisation, Center). */
    default boolean trains() { return true; }

    /** The split it trains on: the training split, or probe-train for Supervised (as the reference's full-finetune probe). */
    default Split trainingSplit() { return Split.TRAIN; }

    /** Whether it has runs on this world (the seed 000 methods: the moving-dot worlds). */
    default boolean runsOn(World world) { return world instanceof MovingDots; }
}
