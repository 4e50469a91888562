package jepa.method;

import jepa.accel.batchnorm.BatchNormRuntime;
import jepa.accel.conv.Conv2dRuntime;

import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregLossRuntime;

import jepa.config.JepaConfig;
import jepa.accel.conv.Conv2d;
import jepa.accel.batchnorm.BatchNorm;
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
 * The speed-ups of the JEPA graph ({@link Conv2d} encoder convolutions, {@link BatchNorm}
 * BatchNorms, {@link jepa.nn.FeatureConcat}, CacheMode.DEVICE, the hand-written GRU and VICReg loss runtimes {@link jepa.accel.gru.GruRuntime} and
 * {@link VicregLossRuntime}) leave the training trajectory unchanged: the production VICReg network (float32, LARS +
 * schedule from the default config) against the same configuration on the default path — DL4J's stock
 * ConvolutionLayer, BatchNormalization and MergeVertex, CacheMode.NONE, the GRU and the loss run as their SameDiff definitions by
 * DL4J's SameDiff runtimes — on one fixed batch: same loss, same gradient, same parameters after 3 fit steps, same
 * inference rollout (float rounding only).
 */
class FastPathEquivalenceTest {
    static final int B = 4, T = JepaNetwork.FRAMES;

    /** The GRU on its SameDiff definition (DL4J's SameDiff vertex runtime, gradients halved as in production before). */
    public static final class StockGru extends jepa.accel.gru.Gru {
        public StockGru() {}

        public StockGru(int hidden, int layers) { super(hidden, layers, JepaNetwork.FRAMES, JepaNetwork.ACTION_DIM); }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                          boolean initializeParams, DataType dataType) {
            return jepa.accel.ExactGradientVertex.of(this, graph, name, idx, paramsView, initializeParams, dataType);
        }

        @Override
        public StockGru clone() { return new StockGru(hidden(), layers()); }
    }

    /** The VICReg loss on its SameDiff definition, run by DL4J's SameDiffOutputLayer runtime (wired as DL4J wires it). */
    public static final class StockVicregLoss extends VicregLoss {
        public StockVicregLoss() {}

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(org.deeplearning4j.nn.conf.NeuralNetConfiguration conf,
                                                           java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners,
                                                           int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
            var ret = new org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer(conf, dataType);
            ret.setIndex(layerIndex);
            ret.setParamsViewArray(paramsView);
            ret.setParamTable(initializer().init(conf, paramsView, initializeParams));
            ret.setConf(conf);
            return ret;
        }
    }

    /** The stock graph: the fast network's JSON with the default-path classes, no cache, same seed-initialised params. */
    private static ComputationGraph stock(ComputationGraph fast, long seed) {
        String json = fast.getConfiguration().toJson();
        assertTrue(json.contains(Conv2d.class.getName()) && json.contains("\"DEVICE\""));
        assertTrue(json.contains(BatchNorm.class.getName()));
        json = json.replace(Conv2d.class.getName(), "org.deeplearning4j.nn.conf.layers.ConvolutionLayer")
                .replace(BatchNorm.class.getName(), "org.deeplearning4j.nn.conf.layers.BatchNormalization")
                .replace(jepa.accel.dense.AvgPool2d.class.getName(), "org.deeplearning4j.nn.conf.layers.SubsamplingLayer")
                .replace(jepa.nn.FeatureConcat.class.getName(), "org.deeplearning4j.nn.conf.graph.MergeVertex")
                .replace(jepa.nn.FramesToImages.class.getName(), "org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor")
                .replace(jepa.accel.dense.Linear.class.getName(), "org.deeplearning4j.nn.conf.layers.DenseLayer")
                .replace(jepa.nn.ImagesToFrames.class.getName(), "org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor")
                .replace("\"" + jepa.accel.gru.Gru.class.getName() + "\"", "\"" + StockGru.class.getName() + "\"")
                .replace("\"" + VicregLoss.class.getName() + "\"", "\"" + StockVicregLoss.class.getName() + "\"")
                .replace("\"DEVICE\"", "\"NONE\"");
        ComputationGraph cg = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        cg.init();
        PytorchInit.apply(cg, seed);
        assertEquals(CacheMode.NONE, cg.getConfiguration().getCacheMode());
        assertFalse(cg.getLayer("enc_seq_c2") instanceof Conv2dRuntime);
        assertFalse(cg.getLayer("enc_seq_bn2") instanceof BatchNormRuntime);
        assertEquals(org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class, cg.getLayer("enc_seq_fc").getClass());
        assertEquals(org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor.class, ((org.deeplearning4j.nn.conf.graph.PreprocessorVertex)
                cg.getConfiguration().getVertices().get(JepaNetwork.ENC_SEQ)).getPreProcessor().getClass());
        assertInstanceOf(jepa.accel.ExactGradientVertex.class, cg.getVertex(JepaNetwork.ROLLOUT));
        assertEquals(org.deeplearning4j.nn.graph.vertex.impl.MergeVertex.class, cg.getVertex(JepaNetwork.ROLLOUT_ENC).getClass());
        assertEquals(org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer.class, cg.getLayer(JepaNetwork.LOSS).getClass());
        return cg;
    }

    private static double relDiff(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }

    @Test
    void fastAndStockGraphsTrainIdentically() {
        JepaConfig cfg = JepaConfig.load(null, List.of("method.embedding=16"));
        NetworkMethod m = Methods.network(cfg.method());
        JepaParams p = new JepaParams(1, false, 1, 16, 1, 9);
        ComputationGraph fast = m.build(p, 1, cfg.train(), 10).graph();
        assertInstanceOf(Conv2dRuntime.class, fast.getLayer("enc_seq_c2"));
        assertInstanceOf(BatchNormRuntime.class, fast.getLayer("enc_seq_bn2"));
        assertInstanceOf(jepa.accel.dense.LinearRuntime.class, fast.getLayer("enc_seq_fc"));
        assertInstanceOf(jepa.accel.gru.GruRuntime.class, fast.getVertex(JepaNetwork.ROLLOUT));
        assertInstanceOf(VicregLossRuntime.class, fast.getLayer(JepaNetwork.LOSS));
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
