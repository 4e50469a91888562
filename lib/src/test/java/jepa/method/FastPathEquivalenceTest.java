package jepa.method;

import jepa.config.JepaConfig;
import jepa.nn.ContiguousConvolution;
import jepa.nn.FastBatchNorm;
import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The speed-ups of the JEPA graph ({@link ContiguousConvolution} encoder convolutions, {@link FastBatchNorm}
 * BatchNorms, CacheMode.DEVICE) leave the training trajectory unchanged: the production VICReg network (float32, LARS +
 * schedule from the default config) against the same configuration with DL4J's stock ConvolutionLayer and
 * BatchNormalization and CacheMode.NONE, on one fixed batch:
 * same loss, same gradient, same parameters after 3 fit steps, same inference rollout (float rounding only).
 */
class FastPathEquivalenceTest {
    static final int B = 4, T = JepaNetwork.FRAMES;

    /** The stock graph: the fast network's JSON with DL4J's conv and BN classes, no cache, same seed-initialised params. */
    private static ComputationGraph stock(ComputationGraph fast, long seed) {
        String json = fast.getConfiguration().toJson();
        assertTrue(json.contains(ContiguousConvolution.class.getName()) && json.contains("\"DEVICE\""));
        assertTrue(json.contains(FastBatchNorm.class.getName()));
        json = json.replace(ContiguousConvolution.class.getName(), "org.deeplearning4j.nn.conf.layers.ConvolutionLayer")
                .replace(FastBatchNorm.class.getName(), "org.deeplearning4j.nn.conf.layers.BatchNormalization")
                .replace("\"DEVICE\"", "\"NONE\"");
        ComputationGraph cg = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        cg.init();
        PytorchInit.apply(cg, seed);
        assertEquals(CacheMode.NONE, cg.getConfiguration().getCacheMode());
        assertFalse(cg.getLayer("enc_seq_c2") instanceof ContiguousConvolution.Runtime);
        assertFalse(cg.getLayer("enc_seq_bn2") instanceof FastBatchNorm.Runtime);
        return cg;
    }

    private static double relDiff(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }

    @Test
    void fastAndStockGraphsTrainIdentically() {
        JepaConfig cfg = JepaConfig.load(null, List.of("method.embedding=16"));
        Method m = Method.of(cfg.method());
        JepaParams p = new JepaParams(1, false, 1, 16, 1, 9);
        ComputationGraph fast = m.build(p, 1, cfg.train(), 10).graph();
        assertInstanceOf(ContiguousConvolution.Runtime.class, fast.getLayer("enc_seq_c2"));
        assertInstanceOf(FastBatchNorm.Runtime.class, fast.getLayer("enc_seq_bn2"));
        ComputationGraph stock = stock(fast, p.seed());
        assertEquals(stock.params(), fast.params(), "same initial parameters");

        Nd4j.getRandom().setSeed(4);
        INDArray frames = Nd4j.randn(DataType.FLOAT, B, JepaNetwork.PIXELS, T);
        INDArray actions = Nd4j.randn(DataType.FLOAT, B, 2, T - 1);
        MultiDataSet mds = Vicreg.dataSet(frames, actions);

        for (ComputationGraph cg : new ComputationGraph[]{stock, fast}) {
            cg.setInputs(frames, actions);
            cg.setLabels(mds.getLabels());
            cg.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), 1e-5 * stock.score(), "loss");
        double g = relDiff(stock.gradient().gradient(), fast.gradient().gradient());
        assertTrue(g < 1e-5, "relative gradient difference " + g);

        for (int i = 0; i < 3; i++) { stock.fit(mds); fast.fit(mds); }
        assertEquals(stock.score(), fast.score(), 1e-5 * stock.score(), "loss at step 3");
        double d = relDiff(stock.params(), fast.params());
        assertTrue(d < 1e-5, "relative parameter difference after 3 steps " + d);

        INDArray rs = new JepaNetwork(stock, p).rollout(frames, actions), rf = new JepaNetwork(fast, p).rollout(frames, actions);
        double r = relDiff(rs, rf);
        assertTrue(r < 1e-5, "relative inference rollout difference " + r);
    }
}
