package jepa.method;

import jepa.accel.gru.Gru;
import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregParams;
import jepa.data.Batch;
import jepa.nn.FeatureConcat;
import jepa.nn.PytorchInit;
import jepa.nn.WindowPool;
import jepa.probe.ProbeData;
import jepa.settings.Check;
import jepa.settings.MethodConfig;
import jepa.settings.TrainConfig;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

/**
 * H-JEPA with two levels (seed 001 §4.6). Level 1 is the VICReg JEPA over frames. Level 2 encodes the level-1
 * encodings pooled over windows of {@code window} frames (mean; Linear → ReLU → Linear to D2), and a GRU predicts the
 * next window's level-2 state from the window's summed actions; its own VICReg loss, weighted {@code level2-coeff},
 * trains the level-2 encoder and predictor and, through the pooling, the level-1 encoder. Windows cover frames
 * 0..W·window−1 (W = 16 / window); level 2 is probed at each window's last frame ({@link Hierarchical}).
 */
public final class HJepa extends LarsMethod implements Hierarchical {
    public static final MethodType TYPE = new MethodType("hjepa", HJepa.class, """
            sim-coeff = 25          # both levels' VICReg coefficients
            std-coeff = 25
            cov-coeff = 1
            skip-first-step-vc = true
            window = 4              # frames per level-2 window (16 frames make 16 / window windows)
            level2-dim = 0          # D2, the level-2 representation size (0 = method.embedding)
            level2-coeff = 1.0      # weight of the level-2 loss""", Map.of("train.base-lr", "vicreg.base_lr"), HJepa::new);

    public static final String POOL = "l2_pool", ENC2 = "l2_enc", ACTIONS2 = "l2_actions", ROLLOUT2 = "l2_rollout", LOSS2 = "l2_loss";

    private final VicregParams vicreg;
    private final int window, dim2Configured;
    private final double level2Coeff;
    private final int dim2;

    private HJepa(MethodConfig m) {
        var c = m.keys();
        String p = "method." + m.name() + ".";
        vicreg = new VicregParams(Check.number(c, p + "sim-coeff"), Check.number(c, p + "std-coeff"), Check.number(c, p + "cov-coeff"),
                Check.bool(c, p + "skip-first-step-vc"));
        window = Check.integer(c, p + "window");
        dim2Configured = Check.integer(c, p + "level2-dim");
        level2Coeff = Check.number(c, p + "level2-coeff");
        Check.range(p + "window", window, 1, 8);
        Check.nonNegative(p + "level2-dim", dim2Configured);
        Check.positive(p + "level2-coeff", level2Coeff);
        dim2 = dim2Configured > 0 ? dim2Configured : m.embedding();
    }

    @Override public String name() { return TYPE.name(); }
    @Override public Layer lossLayer(JepaParams p, int dots) { return Vicreg.loss(p, vicreg); }
    @Override public INDArray labels(Batch b) { return dummy(b); }

    /** Frames (and summed actions) per level-2 window. */
    public int window() { return window; }

    /** Windows per sequence. */
    public int windows() { return (JepaNetwork.FRAMES - 1) / window; }

    @Override public int levelTwoDim() { return dim2; }
    @Override public int windowEnd(int k) { return k * window + window - 1; }

    @Override
    public MultiDataSet dataSet(Batch b) {
        INDArray d = dummy(b);
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{b.frames(), b.actions()}, new INDArray[]{d, d});
    }

    @Override
    public JepaNetwork build(JepaParams p, int dots, TrainConfig t, int stepsPerEpoch) {
        int d = p.embedding(), w = windows();
        ComputationGraph cg = new ComputationGraph(JepaNetwork.config(p, lossLayer(p, dots), nb -> configureOptimiser(nb, t, stepsPerEpoch),
                DataType.FLOAT, gb -> {
                    gb.addVertex(POOL, new WindowPool(d, window, w, WindowPool.MEAN), JepaNetwork.ENC_SEQ);
                    gb.addLayer(ENC2 + "_fc1", new DenseLayer.Builder().nIn(d).nOut(dim2).activation(Activation.RELU).build(),
                            new RnnToFeedForwardPreProcessor(), POOL);
                    gb.addLayer(ENC2 + "_fc2", new DenseLayer.Builder().nIn(dim2).nOut(dim2).activation(Activation.IDENTITY).build(), ENC2 + "_fc1");
                    gb.addVertex(ENC2, new PreprocessorVertex(new FeedForwardToRnnPreProcessor()), ENC2 + "_fc2");
                    gb.addVertex(ACTIONS2, new WindowPool(JepaNetwork.ACTION_DIM, window, w - 1, WindowPool.SUM), JepaNetwork.ACTIONS_IN);
                    gb.addVertex(ROLLOUT2, new Gru(dim2, 1, w, JepaNetwork.ACTION_DIM), ENC2, ACTIONS2);
                    gb.addVertex(ROLLOUT2 + "_enc", new FeatureConcat(), ROLLOUT2, ENC2);
                    gb.addLayer(LOSS2, new VicregLoss(dim2, w, new VicregParams(level2Coeff * vicreg.simCoeff(), level2Coeff * vicreg.stdCoeff(),
                            level2Coeff * vicreg.covCoeff(), vicreg.skipFirstStepVc())), ROLLOUT2 + "_enc");
                    return List.of(LOSS2);
                }));
        cg.init();
        PytorchInit.apply(cg, p.seed());
        return new JepaNetwork(cg, p);
    }

    /** Level-2 rollout [n, W, D2] (inference-mode BatchNorm) and the dots at the windows' last frames [n, W, dots, 2]. */
    @Override
    public ProbeView levelTwoView() {
        int size = window, w = windows();
        return (net, b) -> {
            INDArray r2 = net.graph().feedForward(new INDArray[]{b.frames(), b.actions()}, false).get(ROLLOUT2);   // [n, D2, W]
            INDArray reps = r2.permute(0, 2, 1).dup('c');
            INDArray all = b.probeTargets();                                                                        // [n, 17, dots, 2]
            INDArray targets = Nd4j.create(all.dataType(), all.size(0), w, all.size(2), 2);
            for (int k = 0; k < w; k++)
                targets.get(NDArrayIndex.all(), NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all())
                        .assign(all.get(NDArrayIndex.all(), NDArrayIndex.point(k * size + size - 1), NDArrayIndex.all(), NDArrayIndex.all()));
            return new ProbeData(reps, targets);
        };
    }
}
