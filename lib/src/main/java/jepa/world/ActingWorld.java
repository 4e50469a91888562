package jepa.world;

import java.util.List;

/**
 * A world whose runs act in it: an agent learns from the episodes it collects and is judged by its returns, not by
 * probes (the run protocol dispatches on this type).
 */
public interface ActingWorld extends World {
    @Override default List<String> evaluations() { return List.of(); }
}
