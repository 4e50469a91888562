package jepa.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RlConfigTest {

    private static String error(String... overrides) {
        return assertThrows(ConfigError.class, () -> RlConfig.load(null, List.of(overrides))).getMessage();
    }

    @Test
    void defaultsAreCleanRlsCartPoleSettings() {
        RlConfig c = RlConfig.load(null, List.of());
        PpoConfig p = c.ppo();
        assertEquals(4, p.numEnvs());
        assertEquals(128, p.numSteps());
        assertEquals(512, p.batchSize());
        assertEquals(128, p.minibatchSize());
        assertEquals(4, p.updateEpochs());
        assertEquals(2.5e-4, p.learningRate());
        assertEquals(1e-5, p.adamEps());
        assertEquals(0.99, p.gamma());
        assertEquals(0.95, p.gaeLambda());
        assertEquals(0.2, p.clipCoef());
        assertEquals(0.5, p.vfCoef());
        assertEquals(0.01, p.entCoef());
        assertEquals(0.5, p.maxGradNorm());
        assertTrue(p.annealLr() && p.normAdvantages() && p.clipValueLoss() && p.encoderGradient());
        assertEquals(976, p.numUpdates());                         // 500000 / 512
        assertEquals(1.0, p.lrFraction(1));
        assertEquals(1.0 / 976, p.lrFraction(976), 1e-15);
        assertEquals(500, c.cartpole().maxEpisodeSteps());
        assertEquals(1, c.cartpole().channels());
    }

    @Test
    void overridesApply() {
        RlConfig c = RlConfig.load(null, List.of("ppo.num-envs=8", "ppo.anneal-lr=false", "cartpole.color=rgb", "ppo.encoder-gradient=false"));
        assertEquals(8, c.ppo().numEnvs());
        assertEquals(1.0, c.ppo().lrFraction(100));
        assertEquals(3, c.cartpole().channels());
        assertFalse(c.ppo().encoderGradient());
    }

    @Test
    void errorsNameTheKey() {
        assertTrue(error("ppo.gama=0.9").contains("ppo.gama"));
        assertTrue(error("ppo.gamma=1.5").contains("ppo.gamma"));
        assertTrue(error("ppo.num-minibatches=3").contains("ppo.num-minibatches"));
        assertTrue(error("ppo.num-envs=0").contains("ppo.num-envs"));
        assertTrue(error("ppo.total-steps=100").contains("ppo.total-steps"));
        assertTrue(error("ppo.gae-lambda=-0.1").contains("ppo.gae-lambda"));
        assertTrue(error("ppo.anneal-lr=maybe").contains("ppo.anneal-lr"));
        assertTrue(error("cartpole.color=blue").contains("cartpole.color"));
        assertTrue(error("cartpole.antialias=0").contains("cartpole.antialias"));
        assertTrue(error("cartpole.max-episode-steps=0").contains("cartpole.max-episode-steps"));
    }
}
