package jepa.optim;

import jepa.settings.ConfigError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class WarmupCosineScheduleTest {

    // base_lr 0.3, B = 64 → base = 0.3·64/256 = 0.075; L = 50 steps per epoch; 100 epochs
    private final WarmupCosineSchedule ref = WarmupCosineSchedule.reference(0.3, 64, 50, 100);

    @Test
    void referenceValuesAtHandComputedSteps() {
        assertEquals(0.075, ref.peakLr(), 1e-15);
        // first optimizer step: s = L = 50 → 0.075·50/500 = 0.0075 = 0.1·base
        assertEquals(0.0075, ref.valueAt(0, 0), 1e-15);
        // last warm-up step: k = 449, s = 499 → 0.075·499/500
        assertEquals(0.07485, ref.valueAt(449, 0), 1e-15);
        // first cosine step: k = 450, s = 500 = 10L → q = 1 → base
        assertEquals(0.075, ref.valueAt(450, 9), 1e-15);
        // mid-cosine: s = 500 + 2250 → cos(π/2) = 0, q = ½ → ½·base + ½·0.001·base = 0.0375375
        assertEquals(0.0375375, ref.valueAt(2700, 53), 1e-15);
        // last step k = 100L − 1 = 4999, s = 5049: the cosine argument is π·4549/4500 > π, so
        // q = ½(1 − cos(π·49/4500)) = 2.9254e-4 and lr = base·(0.001 + 0.999·q) = 9.6918e-5 ≈ 0.0013·base
        assertEquals(9.691751367316158e-05, ref.valueAt(4999, 99), 1e-17);
        assertTrue(ref.valueAt(4999, 99) > 0.001 * 0.075 && ref.valueAt(4999, 99) < 0.0015 * 0.075);
    }

    @Test
    void epochArgumentIsIgnored() {
        assertEquals(ref.valueAt(1234, 0), ref.valueAt(1234, 77), 0.0);
    }

    @Test
    void withoutTheQuirkTheFirstStepHasLrZero() {
        WarmupCosineSchedule plain = new WarmupCosineSchedule(0.075, 50, 100, 10, 0.001, false);
        assertEquals(0.0, plain.valueAt(0, 0), 0.0);
        assertEquals(0.0075, plain.valueAt(50, 1), 1e-15);      // = the reference's first step
        assertEquals(ref.valueAt(1000, 0), plain.valueAt(1050, 0), 1e-15);
        // s = 1000: q = ½(1 + cos(π·500/4500)) → 0.0727407348061921
        assertEquals(0.0727407348061921, plain.valueAt(1000, 0), 1e-15);
    }

    @Test
    void customWarmupAndEndFactor() {
        // no warm-up, end factor 0: plain cosine from 1 to 0 over 4 steps
        WarmupCosineSchedule s = new WarmupCosineSchedule(1.0, 2, 2, 0, 0.0, false);
        assertEquals(1.0, s.valueAt(0, 0), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), s.valueAt(1, 0), 1e-15);
        assertEquals(0.5, s.valueAt(2, 0), 1e-15);
        assertEquals(0.0, s.valueAt(4, 0), 1e-15);
    }

    @Test
    void badParametersNameTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> new WarmupCosineSchedule(0.1, 50, 10, 10, 0.001, true));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        assertTrue(assertThrows(ConfigError.class, () -> new WarmupCosineSchedule(0.1, 0, 100, 10, 0.001, true))
                .getMessage().contains("steps-per-epoch"));
        assertTrue(assertThrows(ConfigError.class, () -> new WarmupCosineSchedule(0.1, 5, 100, 10, 1.5, true))
                .getMessage().contains("end-factor"));
        assertTrue(assertThrows(ConfigError.class, () -> WarmupCosineSchedule.reference(0.1, 0, 5, 100))
                .getMessage().contains("batch-size"));
    }

    @Test
    void cloneIsEqual() {
        assertEquals(ref, ref.clone());
        assertNotSame(ref, ref.clone());
    }
}
