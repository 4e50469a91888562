package jepa.method;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The remedy variants' default weights: a head only shapes the encoder at VICReg's weights × 1/25 (docs/slow-features.md). */
class RemedyJepaTest {
    private static RemedyTerms terms(String name, String... overrides) {
        List<String> o = new java.util.ArrayList<>(List.of("method.name=" + name));
        o.addAll(List.of(overrides));
        return ((RemedyJepa) Methods.create(JepaConfig.load(null, o).method())).terms();
    }

    @Test
    void variantsWithAHeadWeighVicregAtOneTwentyFifth() {
        for (String name : List.of("vicreg-idm", "vicreg-aux", "vicreg-idm-temporal")) {
            RemedyTerms t = terms(name);
            assertEquals(1.0, t.simCoeff(), 1e-12, name);
            assertEquals(1.0, t.stdCoeff(), 1e-12, name);
            assertEquals(0.04, t.covCoeff(), 1e-12, name);
            assertEquals(1.0, t.idmCoeff() + t.auxCoeff(), 1e-12, name);
        }
        assertEquals(1.0, terms("vicreg-idm-temporal").temporalCoeff(), 1e-12);
    }

    @Test
    void variantsWithoutAHeadKeepVicregsWeights() {
        for (String name : List.of("vicreg-expander", "vicreg-temporal")) {
            RemedyTerms t = terms(name);
            assertEquals(25.0, t.simCoeff(), 1e-12, name);
            assertEquals(25.0, t.stdCoeff(), 1e-12, name);
            assertEquals(1.0, t.covCoeff(), 1e-12, name);
        }
    }

    @Test
    void aConfiguredWeightWins() {
        RemedyTerms t = terms("vicreg-idm", "method.vicreg-idm.sim-coeff=2", "method.vicreg-idm.cov-coeff=0.08");
        assertEquals(2.0, t.simCoeff(), 1e-12);
        assertEquals(1.0, t.stdCoeff(), 1e-12);
        assertEquals(0.08, t.covCoeff(), 1e-12);
    }
}
