package jepa.rl;

import jepa.accel.Backend;
import jepa.config.JepaConfig;
import jepa.nn.SameDiffParams;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pixel encoder's JEPA training: the y-encoder starts equal and then moves by the EMA exactly (so no gradient
 * reaches it); under ∇̂ the actor and critic losses do not change the encoder; the graph's loss is the paper's sum
 * and its gradient that of the whole loss (central differences); the project's runtime computes the same gradient as
 * the graph; the collapse indicator.
 */
class JepaEncoderTest {
    static final List<String> SMALL = List.of("world.kind=cartpole", "method.name=jepa+rl", "cartpole.frame-width=16", "cartpole.frame-height=16",
            "agent.embedding=8", "agent.patch-size=8", "agent.depth=1", "agent.heads=2", "agent.mlp-width=16",
            "agent.predictor-width=8", "ppo.num-envs=2", "ppo.num-steps=8", "ppo.num-minibatches=2", "ppo.update-epochs=2", "ppo.total-steps=16");

    record Setup(JepaEncoder encoder, Ppo ppo, RolloutBuffer buffer) {}

    /** An encoder and PPO after one rollout of the small config. */
    static Setup rollout(Variant v, DataType dt) { return rollout(v, Backend.STOCK, dt); }

    static Setup rollout(Variant v, Backend backend, DataType dt) {
        JepaConfig c = JepaConfig.load(null, SMALL);
        int n = c.ppo().numEnvs();
        VectorEnv env = new VectorEnv(n, 500, 1);
        RolloutBuffer buf = new RolloutBuffer(c.ppo().numSteps(), n, env.observationSize());
        JepaEncoder enc = new JepaEncoder(v, c.agent(), c.cartpole(), FrameNormalization.of(c.agent().input(), c.cartpole(), 1), c.ppo().adamEps(), env, buf, 3, backend, dt);
        Ppo ppo = new Ppo(c.ppo(), enc.size(), 2, 1, v.encoderGradient());
        for (int t = 0; t < c.ppo().numSteps(); t++) {
            Ppo.Act a = ppo.act(enc.current(env), n);
            buf.recordActions(t, env.observations(), a.actions(), a.logProbs(), a.values());
            enc.record(t, env);
            VectorEnv.Step s = env.step(a.actions());
            enc.stepped(t, env, s);
            buf.recordOutcome(t, s.rewards(), s.terminated(), s.truncated(), new double[n]);
        }
        buf.finish(ppo.values(enc.current(env), n), 0.99, 0.95);
        return new Setup(enc, ppo, buf);
    }

    private static double[] graphParams(SameDiff sd, JepaEncoder enc) { return new SameDiffParams(sd, enc.vit().variables("")).read(); }

    private static SameDiffNetworks graphs(JepaEncoder enc) { return (SameDiffNetworks) enc.networks(); }

    @Test
    void yEncoderStartsEqualThenMovesByTheEmaOnly() {
        JepaEncoder enc = rollout(Variant.JEPA_RL, DataType.DOUBLE).encoder();
        int k = enc.encoderSize();
        double[] online0 = enc.onlineParameters(), target0 = graphParams(graphs(enc).target, enc);
        assertArrayEquals(java.util.Arrays.copyOf(online0, k), target0, "initialised equal");
        SplittableRandom rng = new SplittableRandom(5);
        for (int step = 0; step < 3; step++) {
            double[] before = graphParams(graphs(enc).target, enc);
            enc.features(new int[]{0, 3, 5, 6, 9, 12, 15});
            double[] g = new double[7 * enc.size()];
            for (int i = 0; i < g.length; i++) g[i] = rng.nextGaussian();
            enc.backward(g);
            enc.step(1e-2);
            double[] online = enc.onlineParameters(), after = graphParams(graphs(enc).target, enc);
            for (int i = 0; i < k; i++) assertEquals(0.99 * before[i] + (1 - 0.99) * online[i], after[i], 0.0, "θ̄[" + i + "]: exactly the EMA");
            assertArrayEquals(after, enc.targetParameters());
        }
        double[] online = enc.onlineParameters();
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(online0, k), java.util.Arrays.copyOf(online, k)), "the x-encoder trained");
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(online, k), graphParams(graphs(enc).target, enc)), "θ̄ lags θ");
    }

    /** Two agents on the same rollout whose heads differ: under ∇̂ their encoders take identical steps, under ∇ they do not. */
    @Test
    void stopGradientKeepsTheRlLossesOutOfTheEncoder() {
        for (Backend backend : List.of(Backend.JAVA, Backend.STOCK))
            for (Variant v : List.of(Variant.JEPA_ONLY, Variant.JEPA_RL)) stopGradient(v, backend);
    }

    private static void stopGradient(Variant v, Backend backend) {
        {
            Setup a = rollout(v, backend, DataType.DOUBLE), b = rollout(v, backend, DataType.DOUBLE);
            assertArrayEquals(a.encoder().onlineParameters(), b.encoder().onlineParameters());
            double[] heads = b.ppo().model().params();
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < heads.length; i++) heads[i] += 0.3 * rng.nextGaussian();    // other actor/critic losses and ∂L/∂s
            a.ppo().update(a.buffer(), a.encoder(), 1);
            b.ppo().update(b.buffer(), b.encoder(), 1);
            boolean same = java.util.Arrays.equals(a.encoder().onlineParameters(), b.encoder().onlineParameters());
            assertEquals(!v.encoderGradient(), same, v.id() + " on " + backend.id() + ": encoder independent of the heads iff ∇̂");
            assertFalse(java.util.Arrays.equals(a.encoder().onlineParameters(), rollout(v, backend, DataType.DOUBLE).encoder().onlineParameters()),
                    v.id() + ": the encoder trains (JEPA)");
        }
    }

    /** L = L_JEPA + L_reg + Σ s⊙g in value (from the graph's parts) and in gradient (central differences). */
    @Test
    void lossIsThePapersSumAndItsGradientRight() {
        JepaEncoder enc = rollout(Variant.JEPA_ONLY_REG, DataType.DOUBLE).encoder();
        int[] rows = {1, 2, 4, 7, 8, 11, 13, 14};
        double[] s = enc.features(rows);
        SplittableRandom rng = new SplittableRandom(6);
        double[] g = new double[rows.length * enc.size()];
        for (int i = 0; i < g.length; i++) g[i] = rng.nextGaussian();
        Map<String, INDArray> ph = graphs(enc).placeholders(g, enc.actions(), enc.yInputs());
        SameDiff sd = graphs(enc).online;
        Map<String, INDArray> out = sd.output(ph, "loss", "jepa_loss", "s_x");
        double v = JepaEncoder.embeddingVariance(s, rows.length, enc.size()), sg = 0;
        for (int i = 0; i < g.length; i++) sg += s[i] * g[i];
        assertTrue(v > 0 && v < 1, "the regulariser is active at v = " + v);
        assertEquals(out.get("jepa_loss").getDouble(0) - Math.min(1, v) + sg, out.get("loss").getDouble(0), 1e-10);
        // s_pred − s_y by hand is not needed: L_JEPA's gradient is checked with the rest
        List<String> names = new java.util.ArrayList<>(enc.vit().variables(""));
        names.addAll(List.of("pred_W1", "pred_b1", "pred_Wa", "pred_ba", "pred_W2", "pred_b2"));
        Map<String, INDArray> grads = sd.calculateGradients(ph, names);
        double eps = 1e-6;
        int checked = 0;
        for (String n : names) {
            INDArray p = sd.getVariable(n).getArr();
            for (int k = 0; k < Math.min(6, p.length()); k++) {
                long i = rng.nextLong(p.length());
                double orig = p.getDouble(i);
                p.putScalar(i, orig + eps);
                double up = sd.output(ph, "loss").get("loss").getDouble(0);
                p.putScalar(i, orig - eps);
                double down = sd.output(ph, "loss").get("loss").getDouble(0);
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, grads.get(n).getDouble(i), 1e-7 + 1e-5 * Math.abs(numeric), n + "[" + i + "]");
                checked++;
            }
        }
        System.out.println("whole JEPA loss: " + checked + " gradients checked");
    }

    /** One minibatch's gradient of the whole loss (J, R and g) on the project's runtime and on the double graph. */
    @Test
    void javaRuntimeComputesTheGraphsGradient() {
        for (Variant v : List.of(Variant.JEPA_ONLY_REG, Variant.JEPA_RL, Variant.BASELINE)) {
            JepaEncoder java = rollout(v, Backend.JAVA, DataType.FLOAT).encoder(), graph = rollout(v, Backend.STOCK, DataType.DOUBLE).encoder();
            int[] rows = {0, 2, 3, 6, 9, 10, 12, 15};
            double[] sj = java.features(rows), sg = graph.features(rows);
            for (int i = 0; i < sj.length; i++) assertEquals(sg[i], sj[i], 1e-4, "s_x[" + i + "]");
            SplittableRandom rng = new SplittableRandom(8);
            double[] g = new double[rows.length * java.size()];
            for (int i = 0; i < g.length; i++) g[i] = 0.1 * rng.nextGaussian();
            java.backward(g);
            graph.backward(g);
            double[] a = java.lastGradient(), b = graph.lastGradient();
            double scale = 0;
            for (double x : b) scale = Math.max(scale, Math.abs(x));
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 2e-4 * scale, v.id() + ": gradient[" + i + "] (of " + a.length + ")");
            if (v.jepa()) assertEquals(graph.terms().get("jepa_loss"), java.terms().get("jepa_loss"), 1e-4);
        }
    }

    @Test
    void collapseIndicator() {
        double[] same = {1, 2, 1, 2, 1, 2};
        assertEquals(0, JepaEncoder.embeddingVariance(same, 3, 2));
        assertEquals((1 + 4) / 2.0, JepaEncoder.embeddingVariance(new double[]{0, 0, 1, 2, 2, 4}, 3, 2), 1e-12);   // per feature: var(0,1,2) = 1, var(0,2,4) = 4
        JepaEncoder enc = rollout(Variant.BASELINE, DataType.FLOAT).encoder();
        assertNull(enc.targetParameters(), "no y-encoder without J");
        double[] s = enc.features(new int[]{0, 5, 10, 15});
        Map<String, Double> t = enc.terms();
        double v = JepaEncoder.embeddingVariance(s, 4, enc.size());
        System.out.println("embedding variance at initialisation (16×16 frames near the start state): " + v);
        assertEquals(v, t.get("embedding_variance"));
        assertEquals(v < JepaEncoder.COLLAPSED ? 1.0 : 0.0, t.get("collapsed"));
        assertTrue(enc.terms().isEmpty(), "terms reset after reading");
    }
}
