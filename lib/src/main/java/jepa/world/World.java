package jepa.world;

import java.util.List;

/**
 * A world of the registry ({@link Worlds}): what its datasets hold (the Spark SQL view its episodes or sequences are
 * shown as) and which evaluations its runs get.
 */
public interface World {
    /** The name a config uses (world.kind). */
    String kind();

    /** The view its generated data is shown as. */
    String view();

    /** The evaluations of a trained run on this world, as the metrics table names them. */
    List<String> evaluations();

    /** What its runs do. */
    default RunKind runKind() { return RunKind.PROBES; }

    /** Config sections its runs read besides method, train and probe: part of a run's identity (its config hash). */
    default List<String> runSections() { return List.of(); }
}
