package jepa.world;

/** What the runs of a world do; the run protocol (jepa.train.RunProtocol) has one implementation of each. */
public enum RunKind {
    /** Train a method on sequences, then probe the dot positions linearly (seed 000's worlds). */
    PROBES,
    /** Train a P-JEPA variant on transitions, scoring how its embeddings cluster by count and Theorem 3 (seed 002). */
    COUNT_CLUSTERS,
    /** Train an agent by acting in the world, judged by its episodes' returns instead of probes (seed 003). */
    ACT
}
