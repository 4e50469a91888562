package jepa.method;

import jepa.config.JepaConfig;
import jepa.data.Batch;
import jepa.nn.WindowPool;
import jepa.probe.MetricRow;
import jepa.probe.ProbeData;
import jepa.train.Evaluation;
import jepa.world.Split;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** H-JEPA's pooling and action summing, its two-level graph, and its level-2 probe at the windows' last frames. */
class HJepaTest {
    @Test
    void windowsPoolEncodingsByMeanAndActionsBySum() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 17);
        double[][][] xa = LossGraphs.toArray3(x);
        for (String mode : List.of(WindowPool.MEAN, WindowPool.SUM)) {
            ComputationGraph cg = pool(new WindowPool(3, 4, 4, mode));
            INDArray out = cg.outputSingle(x);
            double[][][] want = WindowPool.reference(xa, 4, 4, mode.equals(WindowPool.MEAN));
            assertArrayEquals(new long[]{2, 3, 4}, out.shape());
            for (int b = 0; b < 2; b++) for (int c = 0; c < 3; c++) for (int k = 0; k < 4; k++)
                assertEquals(want[b][c][k], out.getDouble(b, c, k), 1e-12, mode);
        }
        // by hand: the first window's mean of 1, 2, 3, 4 is 2.5, its sum 10; frame 17 (index 16) is in no window
        INDArray ramp = Nd4j.linspace(1, 17, 17, DataType.DOUBLE).reshape(1, 1, 17);
        assertEquals(2.5, pool(new WindowPool(1, 4, 4, WindowPool.MEAN)).outputSingle(ramp).getDouble(0, 0, 0), 1e-12);
        assertEquals(10.0, pool(new WindowPool(1, 4, 3, WindowPool.SUM)).outputSingle(ramp).getDouble(0, 0, 0), 1e-12);
    }

    @Test
    void poolingGradientsMatchFiniteDifferences() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkPoolingGradients();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private static void checkPoolingGradients() {
        for (String mode : List.of(WindowPool.MEAN, WindowPool.SUM)) {
            var gb = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(1)
                    .updater(new org.nd4j.linalg.learning.config.NoOp()).graphBuilder().addInputs("x")
                    .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(3, 17))
                    .addLayer("in", new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(3).nOut(3).activation(
                            org.nd4j.linalg.activations.Activation.TANH).build(), "x")
                    .addVertex("pool", new WindowPool(3, 4, 4, mode), "in")
                    .addLayer("out", new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(
                            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "pool")
                    .setOutputs("out");
            ComputationGraph cg = new ComputationGraph(gb.build());
            cg.init();
            Nd4j.getRandom().setSeed(7);
            var mds = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{Nd4j.randn(DataType.DOUBLE, 3, 3, 17)},
                    new INDArray[]{Nd4j.randn(DataType.DOUBLE, 3, 2, 4)});
            assertTrue(LossGraphs.gradientsOk(cg, mds), mode);
        }
    }

    @Test
    void twoLevelsTrainAndLevelTwoIsProbedAtWindowEnds() {
        JepaConfig cfg = JepaConfig.load(null, List.of("method.name=hjepa", "method.width=1", "method.embedding=8",
                "method.hjepa.level2-dim=6"));
        HJepa m = (HJepa) Methods.network(cfg.method());
        JepaNetwork net = m.build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
        Nd4j.getRandom().setSeed(4);
        Batch b = new Batch(Nd4j.rand(DataType.FLOAT, 6, 784, 17), Nd4j.rand(DataType.FLOAT, 6, 2, 16), Nd4j.rand(DataType.FLOAT, 2, 17)
                .reshape(1, 2, 17).repeat(0, 6), new long[]{0, 1, 2, 3, 4, 5});
        double before = net.graph().score(m.dataSet(b), true);
        for (int i = 0; i < 5; i++) net.graph().fit(m.dataSet(b));
        assertTrue(Double.isFinite(net.graph().score()) && net.graph().score() != before, "both losses train");
        ProbeData l2 = m.levelTwoView().of(net, b);
        assertArrayEquals(new long[]{6, 4, 6}, l2.representations().shape(), "[n, windows, D2]");
        assertEquals(b.probeTargets().getDouble(2, 7, 0, 1), l2.targets().getDouble(2, 1, 0, 1), 0, "window 1 ends at frame 8 (index 7)");
        List<MetricRow> rows = Evaluation.levelTwo(m, new Evaluation.Splits() {
            @Override
            public <A> A fold(Split split, Evaluation.Fold<A> fold) { return fold.add(fold.zero(), net, b); }
        }, 1);
        assertEquals(List.of(3, 7, 11, 15), rows.stream().map(MetricRow::step).toList());
        assertTrue(rows.stream().allMatch(r -> r.probe().equals(Hierarchical.ROLLOUT_L2) && Double.isFinite(r.mse())));
    }

    private static ComputationGraph pool(WindowPool p) {
        var gb = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).graphBuilder().addInputs("x")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(3, 17)).addVertex("pool", p, "x").setOutputs("pool");
        ComputationGraph cg = new ComputationGraph(gb.build());
        cg.init();
        return cg;
    }
}
