package jepa.world;

import jepa.settings.ConfigError;

import java.util.List;

/** The world registry: every world a config, a sweep and the report know. Adding a world is one line here plus its class. */
public final class Worlds {
    private Worlds() {}

    public static final List<World> ALL = List.of(MovingDots.SINGLE, MovingDots.THREE_DOTS, MovingDots.TWO_ROOMS, Counting.WORLD,
            CartPoleWorld.WORLD);

    public static List<String> kinds() { return ALL.stream().map(World::kind).toList(); }

    public static World of(String kind) {
        for (World w : ALL) if (w.kind().equals(kind)) return w;
        throw new ConfigError("unknown world.kind '" + kind + "' (worlds: " + String.join(", ", kinds()) + ")");
    }
}
