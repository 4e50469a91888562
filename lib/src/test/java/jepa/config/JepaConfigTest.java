package jepa.config;

import jepa.settings.ConfigError;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JepaConfigTest {
    @TempDir Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("t.conf");
        Files.writeString(f, text);
        return f;
    }

    private static String error(Runnable r) {
        return assertThrows(ConfigError.class, r::run).getMessage();
    }

    @Test
    void defaultsAreTheReferenceValues() {
        JepaConfig c = JepaConfig.load(null, List.of());
        assertEquals(1.3, c.world().dotStd());
        assertEquals(0.2, c.world().kappa());
        assertEquals(2.6, c.world().clampMin());
        assertEquals(24.4, c.world().clampMax());
        assertEquals(4.0, c.world().maxStep());
        assertEquals(17, c.world().frames());
        assertEquals(21.8, c.world().range(), 1e-12);
        assertEquals("data/single/uniform-changing-a1-s1", c.datasetDir());
    }

    @Test
    void fileThenOverrides() throws Exception {
        Path f = write("world { kind = three-dots }\nnoise { alpha = 0.25, temporal = fixed }\n");
        JepaConfig c = JepaConfig.load(f, List.of("noise.alpha=2", "data-root=/tmp/x//y", "dataset.name=mine"));
        assertEquals(3, jepa.world.MovingDots.of(c.world()).dots());
        assertEquals(2.0, c.noise().alpha());
        assertEquals("fixed", c.noise().temporal());
        assertEquals("/tmp/x//y", c.dataRoot());
        assertEquals("/tmp/x//y/three-dots/mine", c.datasetDir());
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() throws Exception {
        Path f = write("noise { alpah = 1 }\n");
        assertTrue(error(() -> JepaConfig.load(f, List.of())).contains("noise.alpah"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("world.sigma=2"))).contains("world.sigma"));
    }

    @Test
    void wrongTypesAndRangesNameTheKey() throws Exception {
        assertTrue(error(() -> JepaConfig.load(null, List.of("noise.alpha=-1"))).contains("noise.alpha"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("noise.alpha=lots"))).contains("noise.alpha"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("world.kappa=-0.1"))).contains("world.kappa"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("dataset.train=0"))).contains("dataset.train"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("world.frames=0"))).contains("world.frames"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("world.kind=four"))).contains("world.kind"));
        assertTrue(error(() -> JepaConfig.load(null, List.of("noise.source=cifar10"))).contains("noise.cifar10-path"));
    }

    @Test
    void missingAndBrokenFilesAreNamed() throws Exception {
        Path missing = dir.resolve("nope.conf");
        assertTrue(error(() -> JepaConfig.load(missing, List.of())).contains(missing.toString()));
        Path broken = write("world { kind = \n");
        assertTrue(error(() -> JepaConfig.load(broken, List.of())).contains(broken.toString()));
    }

    @Test
    void renderedSnapshotRoundTrips() {
        JepaConfig c = JepaConfig.load(null, List.of("noise.alpha=0.5", "world.kind=three-dots"));
        JepaConfig back = JepaConfig.fromRendered(c.render());
        assertEquals(c.world(), back.world());
        assertEquals(c.noise(), back.noise());
        assertEquals(c.render(), back.render());
    }

    @Test
    void everyShippedConfigLoadsAndExpands() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> loaded = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(root.resolve("conf"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
                JepaConfig c = JepaConfig.load(f, List.of());
                assertTrue(!SweepGrid.expand(c).isEmpty(), f.toString());
                assertTrue(!c.scale().name().isBlank(), f.toString());
                loaded.add(root.resolve("conf").relativize(f).toString().replace('\\', '/'));
            }
        }
        // one config per seed at least: the dots (000/001), the counting world (002), CartPole (003)
        assertTrue(loaded.containsAll(List.of("quick.conf", "paper.conf", "counting.conf", "cartpole.conf", "sweeps/cartpole-paper.conf")),
                loaded.toString());
    }

    @Test
    void shippedConfigsLoad() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        JepaConfig quick = JepaConfig.load(root.resolve("conf/quick.conf"), List.of());
        JepaConfig paper = JepaConfig.load(root.resolve("conf/paper.conf"), List.of());
        assertEquals(1_000_000, paper.dataset().train());
        assertEquals(300_000, paper.dataset().probeTrain());
        assertEquals(10_000, paper.dataset().test());
        // the reference's regime at the quick scale: every epoch reads 2,048 sequences not read before
        assertEquals(quick.train().epochs() * 2048L, quick.dataset().train());
        assertEquals(2048L, quick.train().sequencesPerEpoch());
        assertEquals(java.util.List.of("changing", "fixed"), quick.sweep().noiseTemporals());
        JepaConfig fig3 = JepaConfig.load(root.resolve("conf/sweeps/paper-fig3.conf"), List.of());
        assertEquals(1_000_000, fig3.dataset().train(), "includes paper.conf");
        List<List<String>> fig3Runs = SweepGrid.expand(fig3);
        // 2 kinds × 2 temporals × 6 noisy α, plus α = 0 once; 6 methods × 3 seeds + Center once
        assertEquals((2 * 2 * 6 + 1) * (6 * 3 + 1), fig3Runs.size());
        assertTrue(fig3Runs.stream().anyMatch(o -> o.containsAll(List.of("noise.temporal=changing", "noise.alpha=1.0", "method.name=vicreg",
                "train.base-lr=2.73823"))), "the reference's best VICReg lr for changing uniform α = 1");
        assertEquals("three-dots", JepaConfig.load(root.resolve("conf/sweeps/paper-table1.conf"), List.of()).world().kind());
    }
}
