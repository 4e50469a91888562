package jepa.config;

import jepa.settings.ConfigError;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepGridTest {
    @Test
    void expandsTheGridWithSeedsAndSamples() {
        JepaConfig c = JepaConfig.load(null, List.of("sweep.methods=[vicreg,center]", "sweep.alphas=[0.5,1.0,2.0]",
                "sweep.noise-temporals=[fixed,changing]", "sweep.seeds=[1,2,3]", "sweep.samples=4", "train.base-lr=0.3",
                "sweep.centres=config"));
        List<List<String>> runs = SweepGrid.expand(c);
        // vicreg: 3 alphas x 2 temporals x 4 samples x 3 seeds; center: 3 x 2 x 1 (no seeds, no samples)
        assertEquals(3 * 2 * 4 * 3 + 3 * 2, runs.size());
        assertEquals(runs, SweepGrid.expand(c), "deterministic");
        HashSet<String> lrs = new HashSet<>();
        for (List<String> o : runs) {
            JepaConfig r = c.with(o);     // every run is a valid config
            if (r.method().name().equals("vicreg")) {
                double lr = r.train().baseLr();
                assertTrue(lr >= 0.1 - 1e-9 && lr <= 0.9 + 1e-9, "within x/÷3 of 0.3: " + lr);
                lrs.add(o.toString().replaceAll("train.seed=\\d", ""));
            }
        }
        assertEquals(3 * 2 * 4, lrs.size(), "seeds share a sample; samples differ");
    }

    @Test
    void runsUseTheReferencesBestValuesOfTheirCell() {
        JepaConfig c = JepaConfig.load(null, List.of("sweep.methods=[vicreg,idm,simclr,supervised,rssm,random]", "sweep.alphas=[1.0,0.3]",
                "sweep.noise-temporals=[changing]"));
        List<List<String>> runs = SweepGrid.expand(c);
        assertEquals(12, runs.size());
        // reference §6, changing uniform α = 1: VICReg 2.738 / 4.083 / 1.18, SimCLR 1.197 / τ 4, IDM 6.797 / 0.02205,
        // RSSM 0.0003206 / 0.05, Supervised probe lr 0.001569
        JepaConfig vicreg = c.with(runs.get(0));
        assertEquals(2.738, vicreg.train().baseLr(), 5e-4);
        assertEquals(4.083, vicreg.raw().getDouble("method.vicreg.sim-coeff"), 5e-4);
        assertEquals(1.18, vicreg.raw().getDouble("method.vicreg.std-coeff"), 5e-3);
        JepaConfig idm = c.with(runs.get(1));
        assertEquals(6.797, idm.train().baseLr(), 5e-4);
        assertEquals(0.02205, idm.raw().getDouble("method.idm.action-coeff"), 5e-6);
        assertEquals(25.0, idm.raw().getDouble("method.vicreg.sim-coeff"), "IDM's runs leave the VICReg keys alone");
        JepaConfig simclr = c.with(runs.get(2));
        assertEquals(1.197, simclr.train().baseLr(), 5e-4);
        assertEquals(4.0, simclr.raw().getDouble("method.simclr.temperature"), 1e-9);
        assertEquals(0.001569, c.with(runs.get(3)).train().supervisedLr(), 5e-7);
        JepaConfig rssm = c.with(runs.get(4));
        assertEquals(0.0003206, rssm.raw().getDouble("method.rssm.learning-rate"), 5e-8);
        assertEquals(0.05, rssm.raw().getDouble("method.rssm.min-var"), 1e-12);
        assertEquals(c.train().baseLr(), rssm.train().baseLr(), "RSSM has no LARS lr");
        assertEquals(6, runs.get(5).size(), "random: no hyper-parameters");
        for (List<String> o : runs.subList(6, 12)) assertEquals(6, o.size(), "α = 0.3 is not a reference cell: configured values " + o);

        JepaConfig own = c.with(List.of("sweep.centres=config"));
        for (List<String> o : SweepGrid.expand(own)) assertEquals(6, o.size(), "centres = config: the configured values " + o);
    }

    @Test
    void noNoiseCentresHoldTheNoiseFreeCellsValuesAtEveryAlpha() {
        JepaConfig c = JepaConfig.load(null, List.of("sweep.methods=[vicreg]", "sweep.alphas=[0.0,1.0]", "sweep.noise-temporals=[changing]",
                "sweep.centres=no-noise"));
        List<List<String>> runs = SweepGrid.expand(c);
        assertEquals(2, runs.size());
        // reference §6, changing uniform α = 0: VICReg base lr 1.388, sim 20.55, std 9.138 — at α = 1 too
        for (List<String> o : runs) {
            JepaConfig r = c.with(o);
            assertEquals(1.388, r.train().baseLr(), 5e-4, o.toString());
            assertEquals(20.553, r.raw().getDouble("method.vicreg.sim-coeff"), 5e-4, o.toString());
        }
    }

    @Test
    void samplesAreDrawnAroundTheReferenceCentresForTheMethodsKeysOnly() {
        JepaConfig c = JepaConfig.load(null, List.of("sweep.methods=[vicreg,rssm]", "sweep.noise-temporals=[fixed]", "sweep.samples=20"));
        for (List<String> o : SweepGrid.expand(c)) {
            JepaConfig r = c.with(o);
            double lr = BestHparams.centre("single", "uniform", "fixed", 1.0, r.method().name(),
                    r.method().name().equals("rssm") ? "method.rssm.learning-rate" : "train.base-lr").orElseThrow();
            double drawn = r.method().name().equals("rssm") ? r.raw().getDouble("method.rssm.learning-rate") : r.train().baseLr();
            assertTrue(drawn >= lr / 3 * (1 - 1e-5) && drawn <= lr * 3 * (1 + 1e-5), drawn + " within x/÷3 of " + lr);
            if (r.method().name().equals("rssm")) assertTrue(o.stream().noneMatch(k -> k.startsWith("train.base-lr")), o.toString());
        }
    }

    @Test
    void badGridValuesNameTheKey() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigError.class,
                () -> JepaConfig.load(null, List.of("sweep.methods=[vicreg,nope]")));
        assertTrue(e.getMessage().contains("sweep.methods"), e.getMessage());
    }
}
