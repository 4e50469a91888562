package jepa.method;

import jepa.config.JepaConfig;
import jepa.data.Batch;
import jepa.nn.StepVertices;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latent-variable predictor: its vertices, its energy (exact minimum over the discrete values), and training. */
class LatentJepaTest {
    @Test
    void oneHotForwardAndSoftmaxGradientBackward() {
        INDArray logits = Nd4j.create(new double[]{0.2, 1.5, -0.3, 0.9, 0.1, 0.4}, new long[]{1, 3, 2}, 'c');   // K = 3, T = 2
        StepVertices.OneHotArgmax v = new StepVertices.OneHotArgmax(3, 2);
        INDArray out = v.forward(logits);
        // logits per step: t = 0: (0.2, −0.3, 0.1), t = 1: (1.5, 0.9, 0.4): channel 0 is the largest at both
        assertArrayEquals(new double[]{1, 1, 0, 0, 0, 0}, out.dup('c').data().asDouble(), 0);
        INDArray eps = Nd4j.create(new double[]{1, -2, 0.5, 3, -1, 2}, new long[]{1, 3, 2}, 'c');
        INDArray back = v.backward(logits, eps);
        for (int t = 0; t < 2; t++) {
            double[] p = new double[3], g = new double[3];
            double z = 0;
            for (int c = 0; c < 3; c++) z += Math.exp(logits.getDouble(0, c, t));
            for (int c = 0; c < 3; c++) {
                p[c] = Math.exp(logits.getDouble(0, c, t)) / z;
                g[c] = eps.getDouble(0, c, t);
            }
            double dot = p[0] * g[0] + p[1] * g[1] + p[2] * g[2];
            for (int c = 0; c < 3; c++) assertEquals(p[c] * (g[c] - dot), back.getDouble(0, c, t), 1e-12, "softmax JVP");
        }
    }

    @Test
    void consecutivePairsSeeTheNextStep() {
        INDArray x = Nd4j.linspace(1, 12, 12, DataType.DOUBLE).reshape('c', 1, 2, 6);
        StepVertices.ConsecutivePairs v = new StepVertices.ConsecutivePairs(2, 6);
        INDArray out = v.forward(x);
        assertArrayEquals(new long[]{1, 4, 5}, out.shape());
        assertEquals(x.getDouble(0, 1, 2), out.getDouble(0, 1, 2), 0);
        assertEquals(x.getDouble(0, 1, 3), out.getDouble(0, 3, 2), 0, "channel C + c at t is x_c at t + 1");
        INDArray back = v.backward(x, Nd4j.ones(DataType.DOUBLE, 1, 4, 5));
        assertEquals(1.0, back.getDouble(0, 0, 0), 0, "the first step is only a 'current'");
        assertEquals(2.0, back.getDouble(0, 0, 3), 0, "a middle step is both");
        assertEquals(1.0, back.getDouble(0, 0, 5), 0, "the last only a 'next'");
    }

    @Test
    void discreteEnergyIsTheMinimumOverTheValuesExactly() {
        JepaNetwork net = network("vicreg-latent-discrete", "method.vicreg-latent-discrete.latent-dim=5");
        LatentJepa m = (LatentJepa) Methods.network(config("vicreg-latent-discrete", "method.vicreg-latent-discrete.latent-dim=5").method());
        LatentEnergy e = LatentEnergy.of(net, m);
        java.util.Random r = new java.util.Random(2);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = new double[8], y = new double[8], a = {r.nextGaussian(), r.nextGaussian()};
            for (int j = 0; j < 8; j++) { x[j] = r.nextGaussian(); y[j] = r.nextGaussian(); }
            double min = Double.POSITIVE_INFINITY;
            for (int v = 0; v < 5; v++) min = Math.min(min, e.energyAt(x, a, y, v));
            assertEquals(min, e.energy(x, a, y), 0.0);
        }
    }

    @Test
    void theEnergysGruStepIsTheGraphsFirstRolloutStep() {
        JepaNetwork net = network("vicreg-latent");
        LatentJepa m = (LatentJepa) Methods.network(config("vicreg-latent").method());
        Batch b = batch(3);
        INDArray enc = net.encode(b.frames()), roll = net.rollout(b.frames(), b.actions());
        LatentEnergy e = LatentEnergy.of(net, m);
        for (int i = 0; i < 3; i++) {
            double[] s0 = new double[8], s1 = new double[8];
            for (int j = 0; j < 8; j++) { s0[j] = enc.getDouble(i, j, 0); s1[j] = enc.getDouble(i, j, 1); }
            double[] z = e.infer(s0, s1), in = {b.actions().getDouble(i, 0, 0), b.actions().getDouble(i, 1, 0), z[0], z[1]};
            double[] step = e.step(s0, in);
            for (int j = 0; j < 8; j++) assertEquals(roll.getDouble(i, j, 1), step[j], 1e-4, "sequence " + i + " feature " + j);
        }
    }

    @Test
    void bothVariantsTrainAndSurviveACheckpoint(@TempDir Path dir) throws Exception {
        for (String name : List.of("vicreg-latent", "vicreg-latent-discrete")) {
            JepaConfig cfg = config(name);
            LatentJepa m = (LatentJepa) Methods.network(cfg.method());
            JepaNetwork net = m.build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
            Batch b = batch(6);
            for (int i = 0; i < 3; i++) net.graph().fit(m.dataSet(b));
            assertTrue(Double.isFinite(net.graph().score()), name);
            var terms = m.terms(net, b);
            assertTrue(terms.get("energy_matched") >= 0 && terms.get("energy_mismatched") >= 0, name + " " + terms);
            Path zip = dir.resolve(name + ".zip");
            org.deeplearning4j.util.ModelSerializer.writeModel(net.graph(), zip.toFile(), true);
            ComputationGraph back = jepa.train.Checkpoints.restore(zip, false);
            assertEquals(0, new JepaNetwork(back, net.params()).rollout(b.frames(), b.actions()).sub(net.rollout(b.frames(), b.actions()))
                    .amaxNumber().doubleValue(), 1e-5, name);
        }
    }

    private static JepaConfig config(String name, String... more) {
        List<String> o = new java.util.ArrayList<>(List.of("method.name=" + name, "method.width=1", "method.embedding=8"));
        o.addAll(List.of(more));
        return JepaConfig.load(null, o);
    }

    private static JepaNetwork network(String name, String... more) {
        JepaConfig cfg = config(name, more);
        return Methods.network(cfg.method()).build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
    }

    private static Batch batch(int n) {
        Nd4j.getRandom().setSeed(9);
        return new Batch(Nd4j.rand(DataType.FLOAT, n, 784, 17), Nd4j.rand(DataType.FLOAT, n, 2, 16).subi(0.5),
                Nd4j.rand(DataType.FLOAT, n, 2, 17));
    }
}
