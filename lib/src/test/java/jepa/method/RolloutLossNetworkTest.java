package jepa.method;

import jepa.accel.loss.InfoNceLoss;

import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * InfoNCE, IDM and probe losses on the full JEPA graph (MeNet5 → GRU → loss), tiny and float32: PyTorch init
 * covers the loss heads, cg.score equals the plain-Java reference on the graph's own activations, Adam lowers it.
 */
class RolloutLossNetworkTest {
    static final int B = 4, D = 8, T = JepaNetwork.FRAMES, STEPS = 10;

    private static JepaParams params(long seed) { return new JepaParams(1, false, 1, D, 1, seed); }

    private static INDArray[] features(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new INDArray[]{Nd4j.randn(DataType.FLOAT, B, JepaNetwork.PIXELS, T), Nd4j.randn(DataType.FLOAT, B, 2, T - 1)};
    }

    @Test
    void infoNceTrains() {
        INDArray[] f = features(41);
        InfoNceLoss loss = new InfoNceLoss(D, 0.5, true);
        trains("InfoNCE", loss, new MultiDataSet(f, new INDArray[]{Nd4j.zeros(DataType.FLOAT, B, 1)}),
                x -> InfoNceLoss.reference(x, D, 0.5, true), 0.9);
    }

    @Test
    void idmTrains() {
        INDArray[] f = features(42);
        INDArray labels = f[1];                                   // the normalised actions, [B, 2, 16]
        trains("IDM", new IdmLoss(D, 1.0), new MultiDataSet(f, new INDArray[]{labels}), null, 0.9);
    }

    @Test
    void probeTrains() {
        INDArray[] f = features(43);
        int dots = 1;
        INDArray labels = Nd4j.rand(DataType.FLOAT, B, 2 * dots, T).subi(0.5).muli(2);   // locations in [-1, 1]
        trains("probe", new ProbeLoss(D, dots), new MultiDataSet(f, new INDArray[]{labels}), null, 0.9);
    }

    interface Reference { double of(double[][][] x); }

    private static void trains(String name, Layer loss, MultiDataSet mds, Reference ref, double factor) {
        JepaNetwork net = JepaNetwork.build(params(7), loss, new Adam(1e-3));   // build runs PytorchInit.apply
        ComputationGraph cg = net.graph();
        INDArray initial = cg.params().dup();
        PytorchInit.apply(cg, 7);
        assertEquals(initial, cg.params(), "PyTorch init is a function of the seed, loss head included");

        INDArray frames = mds.getFeatures(0), actions = mds.getFeatures(1);
        double[][][] x = LossGraphs.toArray3(net.rolloutAndEncodings(frames, actions, true).castTo(DataType.DOUBLE));
        Map<String, INDArray> head = cg.getLayer(JepaNetwork.LOSS).paramTable();
        double expected = ref != null ? ref.of(x)
                : loss instanceof IdmLoss idm ? IdmLoss.reference(x, D, head.get(IdmLoss.W).toDoubleMatrix(),
                        head.get(IdmLoss.B).toDoubleVector(), LossGraphs.toArray3(mds.getLabels(0)), idm.actionCoeff())
                : ProbeLoss.reference(x, D, head.get(ProbeLoss.W).toDoubleMatrix(), LossGraphs.toArray3(mds.getLabels(0)));
        assertEquals(expected, cg.score(mds, true), 1e-5 * expected, name + ": score = reference loss L");

        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            cg.fit(mds);
            scores.add(cg.score());
        }
        double last = cg.score(mds, true);
        System.out.printf("%s B=%d w=1 D=%d, %d Adam(1e-3) steps: %.5f -> %.5f%n", name, B, D, STEPS, scores.get(0), last);
        assertEquals(expected, scores.get(0), 1e-5 * expected, "the first fit's score is the loss before the step");
        assertTrue(last < factor * scores.get(0), name + " scores " + scores + " -> " + last);
    }
}
