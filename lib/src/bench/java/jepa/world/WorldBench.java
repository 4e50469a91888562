package jepa.world;

import jepa.settings.NoiseConfig;
import jepa.settings.WorldConfig;

/** Throw-away throughput check (not a test): java -cp lib/target/classes:lib/target/test-classes jepa.world.WorldBench */
public final class WorldBench {
    public static void main(String[] args) {
        WorldConfig w = new WorldConfig("single", 1.3, 2.6, 24.4, 4.0, 0.2);
        run("uniform changing a=1, single", w, Distractors.of(noise("uniform", "changing", 1), Split.TRAIN));
        run("uniform fixed a=1, single", w, Distractors.of(noise("uniform", "fixed", 1), Split.TRAIN));
        run("no noise, single", w, Distractors.none());
        run("bank changing a=1, single", w, Distractors.of(noise("structured", "changing", 1), Split.TRAIN));
        WorldConfig w3 = new WorldConfig("three-dots", 1.3, 2.6, 24.4, 4.0, 0.2);
        run("uniform changing a=1, three dots", w3, Distractors.of(noise("uniform", "changing", 1), Split.TRAIN));
    }

    static NoiseConfig noise(String kind, String temporal, double a) {
        return new NoiseConfig(kind, temporal, a, "bank", "", "", 10000, 7);
    }

    static void run(String name, WorldConfig w, Distractors d) {
        MovingDotWorld world = new MovingDotWorld(w, d);
        double sink = 0;
        for (int rep = 0; rep < 3; rep++) {
            int n = 50000;
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sink += world.generate(1, Split.TRAIN, i).frames()[100];
            double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9, wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-36s %8.0f seq/s per CPU-second (%6.0f wall)%n", name, n / cpu, n / wall);
        }
        if (sink == 42) System.out.println();
    }
}
