package jepa.rl;

import jepa.config.JepaConfig;
import jepa.settings.PpoConfig;
import jepa.world.CartPole;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An encoder in another runtime below the PPO heads: a SameDiff layer s = tanh(x·W + b) receives ∂L/∂s as the
 * gradient of the extra loss term Σ s⊙g (g a placeholder), the vector–Jacobian product the project's SameDiff
 * vertices use. Its parameter gradient must be that of the PPO loss through the heads (finite differences), and
 * Ppo's stop-gradient switch must keep the PPO loss away from it (this encoder has no loss of its own, so under ∇̂
 * it must not move at all).
 */
class PpoEncoderGradientTest {

    /** A tiny SameDiff encoder as a FeatureSource over a rollout's observations; plain SGD for its step; no loss of its own. */
    static final class SameDiffEncoder implements FeatureSource {
        final SameDiff sd = SameDiff.create();
        final SDVariable s;
        final int in, out;
        RolloutBuffer buffer;
        INDArray lastInput;
        Map<String, INDArray> grads;
        int backwardCalls, ppoGradients, steps;

        SameDiffEncoder(int in, int out, long seed) {
            this.in = in;
            this.out = out;
            Nd4j.getRandom().setSeed(seed);
            SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, in);
            SDVariable w = sd.var("W", Nd4j.randn(DataType.DOUBLE, in, out).muli(0.7));
            SDVariable b = sd.var("b", Nd4j.randn(DataType.DOUBLE, 1, out).muli(0.1));
            s = sd.math().tanh(x.mmul(w).add(b));
            SDVariable g = sd.placeHolder("g", DataType.DOUBLE, -1, out);
            sd.setLossVariables(s.mul(g).sum("vjp"));
        }

        double[] encode(double[] x, int n) {
            lastInput = Nd4j.createFromArray(x).reshape(n, in);
            return sd.output(Map.of("x", lastInput), s.name()).get(s.name()).data().asDouble();
        }

        @Override public int size() { return out; }

        @Override public double[] current(VectorEnv env) { return encode(Ppo.features(env.observations()), env.size()); }

        @Override
        public double[] last(int e, VectorEnv.Step step) {
            return encode(Ppo.features(java.util.Arrays.copyOfRange(step.finalObservations(), e * in, e * in + in)), 1);
        }

        @Override
        public double[] features(int[] rows) {
            double[] x = new double[rows.length * in];
            for (int r = 0; r < rows.length; r++) buffer.observation(rows[r], x, r * in);
            return encode(x, rows.length);
        }

        @Override public boolean trainable() { return true; }

        @Override
        public void backward(double[] dLds) {
            backwardCalls++;
            if (dLds == null) {                 // ∇̂: no loss of its own, so no gradient at all
                grads = Map.of("W", Nd4j.zeros(DataType.DOUBLE, in, out), "b", Nd4j.zeros(DataType.DOUBLE, 1, out));
                return;
            }
            ppoGradients++;
            INDArray g = Nd4j.createFromArray(dLds).reshape(lastInput.size(0), out);
            grads = sd.calculateGradients(Map.of("x", lastInput, "g", g), "W", "b");
        }

        @Override
        public void step(double lr) {
            steps++;
            for (String k : List.of("W", "b")) sd.getVariable(k).getArr().subi(grads.get(k).mul(200 * lr));
        }

        INDArray params() { return Nd4j.concat(1, sd.getVariable("W").getArr().reshape(1, -1), sd.getVariable("b").getArr()).dup(); }
    }

    @Test
    void encoderGetsThePpoLossGradient() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 12, in = 4, d = 3;
        SameDiffEncoder enc = new SameDiffEncoder(in, d, 17);
        ActorCritic heads = new ActorCritic(d, 2, 8, 1, rng);
        for (int i = 0; i < heads.params().length; i++) heads.params()[i] += 0.5 * rng.nextGaussian();
        double[] x = new double[n * in];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        ActorCriticTest.Batch b = ActorCriticTest.Batch.random(heads, n, rng);          // actions, old log-probs, advantages…
        PpoLoss loss = new PpoLoss(0.2, true, 0.5, 0.01, true);
        java.util.function.DoubleSupplier total = () -> {
            double[] s = enc.encode(x, n);
            ActorCritic.Output o = heads.forward(s, n);
            return loss.evaluate(n, 2, o.logits(), o.values(), b.actions(), b.oldLogP(), b.adv(), b.ret(), b.oldV()).loss();
        };
        double[] s = enc.encode(x, n);
        ActorCritic.Output o = heads.forward(s, n);
        PpoLoss.Result r = loss.evaluate(n, 2, o.logits(), o.values(), b.actions(), b.oldLogP(), b.adv(), b.ret(), b.oldV());
        heads.zeroGrads();
        enc.backward(heads.backward(o, r.dLogits(), r.dValues(), true));
        double eps = 1e-6;
        int checked = 0;
        for (String name : List.of("W", "b")) {
            INDArray p = enc.sd.getVariable(name).getArr(), g = enc.grads.get(name);
            for (long i = 0; i < p.length(); i++) {
                double orig = p.getDouble(i);
                p.putScalar(i, orig + eps);
                double up = total.getAsDouble();
                p.putScalar(i, orig - eps);
                double down = total.getAsDouble();
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, g.getDouble(i), 1e-9 + 1e-6 * Math.abs(numeric), name + "[" + i + "]");
                assertTrue(Math.abs(numeric) > 1e-7, "non-trivial gradient");
                checked++;
            }
        }
        assertEquals(in * d + d, checked);
    }

    /** One PPO update on a short CartPole rollout with the SameDiff encoder below the heads, gradient on and off. */
    @Test
    void stopGradientSwitch() {
        for (boolean encoderGradient : new boolean[] {true, false}) {
            PpoConfig c = JepaConfig.load(null, List.of("ppo.num-steps=16", "ppo.total-steps=640", "ppo.update-epochs=2")).ppo();
            SameDiffEncoder enc = new SameDiffEncoder(4, 3, 5);
            Ppo ppo = new Ppo(c, enc.size(), CartPole.ACTIONS, 1, encoderGradient);
            VectorEnv env = new VectorEnv(c.numEnvs(), 500, 1);
            RolloutBuffer buf = new RolloutBuffer(c.numSteps(), c.numEnvs(), 4);
            enc.buffer = buf;
            for (int t = 0; t < c.numSteps(); t++) {
                float[] obs = env.observations();
                Ppo.Act a = ppo.act(enc.encode(Ppo.features(obs), c.numEnvs()), c.numEnvs());
                buf.recordActions(t, obs, a.actions(), a.logProbs(), a.values());
                VectorEnv.Step st = env.step(a.actions());
                buf.recordOutcome(t, st.rewards(), st.terminated(), st.truncated(), new double[c.numEnvs()]);
            }
            buf.finish(ppo.values(enc.encode(Ppo.features(env.observations()), c.numEnvs()), c.numEnvs()), c.gamma(), c.gaeLambda());
            INDArray before = enc.params();
            double[] headsBefore = ppo.model().params().clone();
            ppo.update(buf, enc, 1);
            int minibatches = c.updateEpochs() * c.numMinibatches();
            assertEquals(minibatches, enc.backwardCalls);
            assertEquals(minibatches, enc.steps);
            assertEquals(encoderGradient ? minibatches : 0, enc.ppoGradients);
            assertEquals(encoderGradient, !before.equals(enc.params()), "encoder moved iff it gets PPO's gradient");
            assertTrue(!java.util.Arrays.equals(headsBefore, ppo.model().params()), "the heads train either way");
        }
    }
}
