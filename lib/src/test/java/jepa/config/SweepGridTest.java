package jepa.config;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepGridTest {
    @Test
    void expandsTheGridWithSeedsAndSamples() {
        JepaConfig c = JepaConfig.load(null, List.of("sweep.methods=[vicreg,center]", "sweep.alphas=[0.5,1.0,2.0]",
                "sweep.noise-temporals=[fixed,changing]", "sweep.seeds=[1,2,3]", "sweep.samples=4", "train.base-lr=0.3"));
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
    void badGridValuesNameTheKey() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigError.class,
                () -> JepaConfig.load(null, List.of("sweep.methods=[vicreg,nope]")));
        assertTrue(e.getMessage().contains("sweep.methods"), e.getMessage());
    }
}
