package jepa.optim;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** dl4j-spark ships configurations as JSON and clones them on the workers: both must keep LARS intact. */
class LarsJsonTest {

    @Test
    void jsonRoundTripKeepsUpdaterRegularizationAndSchedule() {
        Lars lars = new Lars(0.05, 0.02, 0.9);
        ComputationGraphConfiguration conf = LarsTest.graph(lars, true, false);
        String json = conf.toJson();
        assertTrue(json.contains("\"jepa.optim.LarsRegularization\""), json);
        assertTrue(json.contains("\"jepa.optim.Momentum\""), json);
        assertTrue(json.contains("\"jepa.optim.WarmupCosineSchedule\""), json);

        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        var dense = ((LayerVertex) back.getVertices().get("dense")).getLayerConf().getLayer();
        assertEquals(List.of(new LarsRegularization(0.05, 0.02)), dense.getRegularizationByParam("W"));
        assertTrue(dense.getRegularizationByParam("b").isEmpty());
        IUpdater u = dense.getUpdaterByParam("W");
        assertEquals(new Momentum(LarsTest.LR, 0.9), u);
        assertEquals(0.3, u.getLearningRate(1, 0), 1e-15);

        // same behaviour: original, JSON copy and clone (what the Spark workers get) train to identical parameters
        DataSet ds = LarsTest.batch();
        ComputationGraph a = LarsTest.net(conf), b = LarsTest.net(back), c = LarsTest.net(conf.clone());
        b.setParams(a.params().dup());
        c.setParams(a.params().dup());
        for (int i = 0; i < 3; i++) { a.fit(ds); b.fit(ds); c.fit(ds); }
        assertEquals(a.params(), b.params());
        assertEquals(a.params(), c.params());
        assertEquals(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray());
        // and the momentum state really is μ (non-zero after 3 steps)
        assertTrue(a.getUpdater().getStateViewArray().norm2Number().doubleValue() > 0);
    }

    @Test
    void updaterStateRestoresIntoAFreshNetwork() {
        // parameter averaging sends params + updater state to new workers: continuing must equal uninterrupted training
        DataSet ds = LarsTest.batch();
        ComputationGraphConfiguration conf = LarsTest.graph(Lars.reference(), true, false);
        ComputationGraph a = LarsTest.net(conf);
        ComputationGraph b = LarsTest.net(ComputationGraphConfiguration.fromJson(conf.toJson()));
        b.setParams(a.params().dup());
        a.fit(ds); a.fit(ds);
        b.fit(ds);
        ComputationGraph b2 = new ComputationGraph(ComputationGraphConfiguration.fromJson(b.getConfiguration().toJson()));
        b2.init(b.params().dup(), false);
        b2.getUpdater().setStateViewArray(b.getUpdater().getStateViewArray().dup());
        assertEquals(1, b2.getConfiguration().getIterationCount()); // the JSON carries the step counter for the schedule
        b2.fit(ds);
        assertEquals(a.params(), b2.params());
    }

    @Test
    void javaSerializationKeepsBehaviour() throws Exception {
        // Spark broadcasts the configuration with Java/Kryo serialization, not only as JSON
        ComputationGraphConfiguration conf = LarsTest.graph(new Lars(0.05, 0.02, 0.9), true, false);
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) { out.writeObject(conf); }
        ComputationGraphConfiguration back;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ComputationGraphConfiguration) in.readObject();
        }
        DataSet ds = LarsTest.batch();
        ComputationGraph a = LarsTest.net(conf), b = LarsTest.net(back);
        b.setParams(a.params().dup());
        for (int i = 0; i < 2; i++) { a.fit(ds); b.fit(ds); }
        assertEquals(a.params(), b.params());
    }
}
