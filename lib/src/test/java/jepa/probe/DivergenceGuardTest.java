package jepa.probe;

import jepa.settings.ConfigError;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DivergenceGuardTest {

    @Test
    void reasons() {
        DivergenceGuard g = new DivergenceGuard();
        assertEquals(Optional.empty(), g.check(0.5, 0.3));
        assertEquals(Optional.of("loss is NaN"), g.check(Double.NaN, 0.3));
        assertEquals(Optional.of("loss is Infinite"), g.check(Double.POSITIVE_INFINITY, 0.3));
        assertEquals(Optional.of("loss is Infinite"), g.check(Double.NEGATIVE_INFINITY, 0.0));
        assertEquals(Optional.of("collapse: mean feature std < 1e-4"), g.check(0.5, 5e-5));
        assertEquals(Optional.of("feature std is NaN"), g.check(0.5, Double.NaN));
        assertEquals(Optional.empty(), g.check(0.5, 1e-4)); // at the threshold is not below it
        // the loss check comes first
        assertEquals(Optional.of("loss is NaN"), g.check(Double.NaN, 0.0));
    }

    @Test
    void allFeaturesVariant() {
        DivergenceGuard g = new DivergenceGuard(1e-3);
        assertEquals(Optional.of("collapse: all feature std < 0.001"), g.check(1.0, new double[]{1e-4, 5e-4, 9e-4}));
        assertEquals(Optional.empty(), g.check(1.0, new double[]{1e-4, 2e-3}));
        assertEquals(Optional.of("collapse: all feature std < 1e-4"), new DivergenceGuard().check(1.0, new double[]{0, 0}));
        assertThrows(ConfigError.class, () -> new DivergenceGuard(-1));
    }
}
