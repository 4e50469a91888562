package jepa.settings;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003's sections of the one config: CleanRL's PPO defaults, overrides, errors naming the key. */
class PpoConfigTest {

    private static String error(String... overrides) {
        return assertThrows(ConfigError.class, () -> JepaConfig.load(null, List.of(overrides))).getMessage();
    }

    @Test
    void defaultsAreCleanRlsCartPoleSettings() {
        JepaConfig c = JepaConfig.load(null, List.of());
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
        assertTrue(p.annealLr() && p.normAdvantages() && p.clipValueLoss());
        assertEquals(195, p.numUpdates());                         // 100000 / 512
        assertEquals(1.0, p.lrFraction(1));
        assertEquals(1.0 / 195, p.lrFraction(195), 1e-15);
        assertEquals(500, c.cartpole().maxEpisodeSteps());
        assertEquals(1, c.cartpole().channels());
    }

    @Test
    void overridesApply() {
        JepaConfig c = JepaConfig.load(null, List.of("ppo.num-envs=8", "ppo.anneal-lr=false", "cartpole.color=rgb", "agent.depth=3"));
        assertEquals(8, c.ppo().numEnvs());
        assertEquals(1.0, c.ppo().lrFraction(100));
        assertEquals(3, c.cartpole().channels());
        assertEquals(3, c.agent().depth());
        assertEquals(64, c.agent().embedding());
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
        assertTrue(error("ppo.encoder-gradient=false").contains("ppo.encoder-gradient"), "the method decides ∇");
        assertTrue(error("agent.heads=5").contains("agent.heads"));
        assertTrue(error("agent.patch-size=12").contains("agent.patch-size"));
        assertTrue(error("agent.ema=1.5").contains("agent.ema"));
        assertTrue(error("world.kind=cartpole").contains("method vicreg does not run on world.kind cartpole"), "vicreg does not act");
        assertTrue(error("method.name=jepa+rl").contains("method jepa+rl does not run on world.kind single"), "an agent acts in CartPole only");
        assertTrue(error("world.kind=cartpole", "method.name=state", "sweep.methods=[state,vicreg]", "sweep.worlds=[cartpole]")
                .contains("sweep.methods: method vicreg does not run on sweep.worlds cartpole"), "every cell of a sweep is checked");
        JepaConfig.load(null, List.of("world.kind=cartpole", "method.name=jepa-only+reg"));
    }

    @Test
    void shippedSeed003ConfigsLoad() {
        java.nio.file.Path root = java.nio.file.Path.of("..").toAbsolutePath().normalize();
        JepaConfig quick = JepaConfig.load(root.resolve("conf/cartpole.conf"), List.of());
        JepaConfig paper = JepaConfig.load(root.resolve("conf/sweeps/cartpole-paper.conf"), List.of());
        assertEquals("cartpole", quick.world().kind());
        assertEquals(5, jepa.config.SweepGrid.expand(quick).size(), "state and the four configurations, one seed");
        assertEquals(25, jepa.config.SweepGrid.expand(paper).size(), "5 runs each");
        assertEquals(100_000, paper.ppo().totalSteps());
        assertEquals(List.of("quick", "paper"), List.of(quick.scale().name(), paper.scale().name()), "each states its scale");
        assertTrue(quick.ppo().totalSteps() < paper.ppo().totalSteps());
    }
}
