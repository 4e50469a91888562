package jepa.method;

import jepa.config.JepaConfig;
import jepa.data.CountingBatch;
import jepa.data.CountingBatches;
import jepa.nn.ConvEncoder;
import jepa.nn.ResNetEncoder;
import jepa.settings.ConfigError;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** P-JEPA's network: every variant builds, trains and round-trips; the encoders' sizes; the decoder leaves E alone. */
class PJepaNetworkTest {
    static JepaConfig config(String method, String... extra) {
        List<String> o = new java.util.ArrayList<>(List.of("world.kind=counting", "method.name=" + method));
        o.addAll(List.of(extra));
        return JepaConfig.load(null, o);
    }

    static PJepa method(JepaConfig c) { return (PJepa) Methods.create(c.method()); }

    static CountingBatch batch(JepaConfig c, boolean withNext, long... ids) {
        CountingBatches source = new CountingBatches(new CountingWorld(c.counting()), 1, Split.TRAIN, 8);
        return source.batch(ids, withNext);
    }

    @Test
    void everyVariantTrainsAndItsConfigurationRoundTrips() {
        for (String name : List.of("pjepa-reward", "pjepa-random", "reward-only", "dynamics-only")) {
            JepaConfig c = config(name);
            PJepa m = method(c);
            PJepaNetwork net = PJepaNetwork.build(m, c.pjepa(), 64, 7);
            CountingBatch b = batch(c, m.dynamics(), 0, 3, 5, 9);
            for (int i = 0; i < 2; i++) net.graph().fit(net.dataSet(b));
            double loss = net.graph().score();
            assertTrue(Double.isFinite(loss) && loss > 0, name + " loss " + loss);
            Map<String, Double> terms = net.terms();
            assertEquals(m.dynamics(), terms.containsKey(PJepaNetwork.DYNAMICS), name);
            assertEquals(m.aux() != PJepa.Aux.NONE, terms.containsKey(PJepaNetwork.AUX), name);
            assertTrue(terms.containsKey(PJepaNetwork.DECODER), name);
            assertEquals(loss, terms.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-4 * loss, name + ": the loss is the sum of its terms");
            assertArrayEquals(new long[]{3, 256}, net.encode(b.observations().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)), 2).shape());
            assertArrayEquals(new long[]{4, 3, 64, 64}, net.decode(b.observations()).shape());
            ComputationGraphConfiguration json = ComputationGraphConfiguration.fromJson(net.graph().getConfiguration().toJson());
            assertEquals(net.graph().getConfiguration(), json, name + ": JSON round trip");
        }
    }

    @Test
    void theDynamicsLossIsItsCoefficientTimesTheMeanSquaredError() {
        JepaConfig c = config("dynamics-only", "method.dynamics-only.dynamics-coeff=3");
        PJepaNetwork net = PJepaNetwork.build(method(c), c.pjepa(), 64, 2);
        CountingBatch b = batch(c, true, 1, 2, 4, 6);
        INDArray z = net.encode(b.frames(), 8);                               // E(o) rows 0..3, E(o′) rows 4..7
        Map<String, INDArray> act = net.graph().feedForward(net.inputs(b.frames(), b.actions()), false);
        INDArray predicted = act.get("dyn_out"), target = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8));
        double mse = predicted.sub(target).muli(predicted.sub(target)).meanNumber().doubleValue();
        net.graph().setInputs(net.inputs(b.frames(), b.actions()));
        net.graph().setLabels(net.dataSet(b).getLabels());
        net.graph().computeGradientAndScore();
        assertEquals(3 * mse, net.terms().get(PJepaNetwork.DYNAMICS), 1e-5 * mse);
    }

    @Test
    void encoderSizes() {
        assertEquals(12_260_192L, ResNetEncoder.params(256), "App. D: Encoder 12,260,192");
        for (String encoder : List.of("conv", "resnet")) {
            JepaConfig c = config("reward-only", "pjepa.encoder=" + encoder);
            PJepaNetwork net = PJepaNetwork.build(method(c), c.pjepa(), 64, 1, false);
            long enc = 0;
            for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : net.graph().getVertices())
                if (v.getVertexName().startsWith(PJepaNetwork.ENCODER)) enc += v.numParams();
            assertEquals(encoder.equals("conv") ? ConvEncoder.params(64, 256) : ResNetEncoder.params(256), enc, encoder);
            CountingBatch b = batch(c, false, 0, 1);
            assertArrayEquals(new long[]{2, 256}, net.encode(b.frames(), 2).shape(), encoder);
        }
    }

    @Test
    void theDecoderLeavesTheEncoderAlone() {
        JepaConfig c = config("pjepa-reward");
        PJepa m = method(c);
        PJepaNetwork with = PJepaNetwork.build(m, c.pjepa(), 64, 5), without = PJepaNetwork.build(m, c.pjepa(), 64, 5, false);
        INDArray decoderBefore = with.graph().getLayer("decoded").params().dup();
        for (long start = 0; start < 3; start++) {
            CountingBatch b = batch(c, true, start, start + 2, start + 4, start + 5);
            with.graph().fit(with.dataSet(b));
            without.graph().fit(without.dataSet(b));
        }
        int compared = 0;
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : without.graph().getVertices()) {
            if (v.numParams() == 0) continue;
            assertEquals(v.params(), with.graph().getVertex(v.getVertexName()).params(), v.getVertexName() + " trained identically");
            compared++;
        }
        assertTrue(compared > 8, "encoder, dynamics and head compared: " + compared);
        assertNotEquals(decoderBefore, with.graph().getLayer("decoded").params(), "the decoder itself trains");
    }

    @Test
    void methodsRunOnlyOnTheirWorld() {
        ConfigError e = assertThrows(ConfigError.class, () -> JepaConfig.load(null, List.of("world.kind=counting")));
        assertTrue(e.getMessage().contains("method.name") && e.getMessage().contains("vicreg"), e.getMessage());
        assertThrows(ConfigError.class, () -> JepaConfig.load(null, List.of("method.name=pjepa-reward")));
        assertThrows(ConfigError.class, () -> JepaConfig.load(null, List.of("sweep.methods=[\"pjepa-random\"]")));
        assertTrue(assertThrows(ConfigError.class, () -> config("pjepa-reward", "method.pjepa-reward.reward-loss=ce"))
                .getMessage().contains("method.pjepa-reward.reward-loss"));
        assertEquals(1e-5, method(config("reward-only")).lr(), 0);
        assertEquals(3e-4 * 0.3, method(config("pjepa-reward")).encoderLr(), 1e-12);
    }
}
