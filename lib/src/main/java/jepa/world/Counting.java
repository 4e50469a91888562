package jepa.world;

import java.util.List;

/**
 * The counting world of seed 002 ({@link CountingWorld}, configured by the {@code counting} section) in the registry.
 * Its episodes are shown as the view {@code counting}, one row per observation. Its runs train P-JEPA and are judged
 * by how the embeddings cluster by count (the {@code clusters} table) and by Theorem 3 on the data's empirical
 * bisimulation (the {@code bisimulation} table), not by probes.
 */
public enum Counting implements World {
    WORLD;

    @Override public String kind() { return "counting"; }

    @Override public String view() { return "counting"; }

    @Override public List<String> evaluations() { return List.of("clusters", "bisimulation"); }

    @Override public RunKind runKind() { return RunKind.COUNT_CLUSTERS; }

    @Override public List<String> runSections() { return List.of("pjepa"); }
}
