package jepa.world;

import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;

/** Reference settings (reference §1.1) shared by the tests. */
final class ReferenceWorlds {
    private ReferenceWorlds() {}

    static final double PEAK = 1 / (2 * Math.PI * 1.3 * 1.3);

    static WorldConfig single() { return new WorldConfig("single", 1.3, 2.6, 24.4, 4.0, 0.2); }

    static WorldConfig threeDots() { return new WorldConfig("three-dots", 1.3, 2.6, 24.4, 4.0, 0.2); }

    static NoiseConfig noise(String kind, String temporal, double alpha) {
        return new NoiseConfig(kind, temporal, alpha, NoiseConfig.BANK, "", "", 50, 3);
    }

    static MovingDotWorld world(WorldConfig w, NoiseConfig n, Split split) {
        return MovingDotWorld.of(w, n, split);
    }
}
