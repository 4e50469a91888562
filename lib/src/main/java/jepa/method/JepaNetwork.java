package jepa.method;

import jepa.accel.gru.Gru;
import jepa.nn.MeNet5;
import jepa.nn.PytorchInit;
import jepa.optim.DuplicateRegularizationFix;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A JEPA as a DL4J ComputationGraph (the contract shared by all JEPA methods):
 * inputs "frames" [B, C·28·28, 17] (normalised) and "actions" [B, 2, 16] (normalised, dot 0);
 * "enc_seq" [B, D, 17] = MeNet5 over all 17·B frames in one pass; "rollout" [B, D, 17] = GRU unrolled from
 * enc_seq[:, :, 0] (index 0 = s_1, t ≥ 1 = s̃_{t+1}); "rollout_enc" = Merge(rollout, enc_seq) [B, 2D, 17] feeds the
 * method's loss layer "loss". Parameters get PyTorch's default init from {@link JepaParams#seed()}.
 * <p>
 * miniBatch(true) is kept on purpose: the loss layer returns B·L ({@link LossScale}), so score = L and gradient = ∂L/∂θ.
 */
public final class JepaNetwork {
    public static final int FRAMES = 17, ACTION_DIM = 2, PIXELS = MeNet5.IMAGE * MeNet5.IMAGE;
    public static final String FRAMES_IN = "frames", ACTIONS_IN = "actions";
    public static final String ENC_SEQ = "enc_seq", ROLLOUT = "rollout", ROLLOUT_ENC = "rollout_enc", LOSS = "loss";

    private final ComputationGraph cg;
    private final JepaParams params;

    public JepaNetwork(ComputationGraph cg, JepaParams params) {
        this.cg = cg;
        this.params = params;
    }

    /** The graph configuration; {@code lossLayer} takes ROLLOUT_ENC as its only input. */
    public static ComputationGraphConfiguration config(JepaParams p, Layer lossLayer, IUpdater updater, DataType dataType) {
        return config(p, lossLayer, b -> b.updater(updater), dataType);
    }

    /**
     * The graph configuration with the optimiser set by {@code optimiser} on the global builder (updater,
     * regularization — e.g. {@link jepa.optim.Lars#configure}); passed through DuplicateRegularizationFix.
     */
    public static ComputationGraphConfiguration config(JepaParams p, Layer lossLayer,
                                                       Consumer<NeuralNetConfiguration.Builder> optimiser, DataType dataType) {
        return config(p, lossLayer, optimiser, dataType, gb -> List.of());
    }

    /**
     * More of a graph on top of the JEPA graph (a second level, heads): adds its vertices to the builder, which already
     * holds every vertex named here, and returns the names of its own output layers (after "loss").
     */
    public interface Extension {
        List<String> add(ComputationGraphConfiguration.GraphBuilder gb);
    }

    /**
     * What drives the GRU besides the actions (a latent variable): adds its vertices, which may read "enc_seq" and
     * "actions", and names the vertex whose output [B, actionDim, 16] the GRU takes instead of the actions.
     */
    public interface PredictorInput {
        String add(ComputationGraphConfiguration.GraphBuilder gb);

        /** Channels of that vertex's output. */
        int dim();
    }

    /** The actions alone. */
    static final PredictorInput ACTIONS_ONLY = new PredictorInput() {
        public String add(ComputationGraphConfiguration.GraphBuilder gb) { return ACTIONS_IN; }
        public int dim() { return ACTION_DIM; }
    };

    /** The JEPA graph with an {@link Extension}: its outputs are "loss" and the extension's. */
    public static ComputationGraphConfiguration config(JepaParams p, Layer lossLayer, Consumer<NeuralNetConfiguration.Builder> optimiser,
                                                       DataType dataType, Extension extension) {
        return config(p, lossLayer, optimiser, dataType, ACTIONS_ONLY, extension);
    }

    /** The JEPA graph with its GRU driven by {@code input} and an {@link Extension}. */
    public static ComputationGraphConfiguration config(JepaParams p, Layer lossLayer, Consumer<NeuralNetConfiguration.Builder> optimiser,
                                                       DataType dataType, PredictorInput input, Extension extension) {
        NeuralNetConfiguration.Builder nb = new NeuralNetConfiguration.Builder().seed(p.seed()).dataType(dataType).miniBatch(true)
                // keep each conv layer's pre-activation and im2col patches for backprop instead of recomputing them
                .cacheMode(CacheMode.DEVICE);
        optimiser.accept(nb);
        ComputationGraphConfiguration.GraphBuilder gb = nb.graphBuilder()
                .addInputs(FRAMES_IN, ACTIONS_IN)
                .setInputTypes(InputType.recurrent((long) p.channels() * PIXELS, FRAMES), InputType.recurrent(ACTION_DIM, FRAMES - 1));
        MeNet5.add(gb, FRAMES_IN, p.channels(), p.sumChannels(), p.width(), p.embedding(), FRAMES, ENC_SEQ);
        gb.addVertex(ROLLOUT, new Gru(p.embedding(), p.gruLayers(), FRAMES, input.dim()), ENC_SEQ, input.add(gb));
        gb.addVertex(ROLLOUT_ENC, new jepa.nn.FeatureConcat(), ROLLOUT, ENC_SEQ);
        gb.addLayer(LOSS, lossLayer, ROLLOUT_ENC);
        List<String> outputs = new java.util.ArrayList<>(List.of(LOSS));
        outputs.addAll(extension.add(gb));
        gb.setOutputs(outputs.toArray(String[]::new));
        return DuplicateRegularizationFix.apply(gb.build());
    }

    /** Builds, initialises (PyTorch rule, seeded) and wraps the graph. float32 for training; DOUBLE for checks. */
    public static JepaNetwork build(JepaParams p, Layer lossLayer, IUpdater updater, DataType dataType) {
        return build(p, lossLayer, b -> b.updater(updater), dataType);
    }

    /** Builds with an optimiser set on the global builder (see {@link #config(JepaParams, Layer, Consumer, DataType)}). */
    public static JepaNetwork build(JepaParams p, Layer lossLayer, Consumer<NeuralNetConfiguration.Builder> optimiser, DataType dataType) {
        ComputationGraph cg = new ComputationGraph(config(p, lossLayer, optimiser, dataType));
        cg.init();
        PytorchInit.apply(cg, p.seed());
        return new JepaNetwork(cg, p);
    }

    public static JepaNetwork build(JepaParams p, Layer lossLayer, IUpdater updater) {
        return build(p, lossLayer, updater, DataType.FLOAT);
    }

    public ComputationGraph graph() { return cg; }
    public JepaParams params() { return params; }

    /** Inference (BN running statistics): the rollout [B, D, 17]. */
    public INDArray rollout(INDArray frames, INDArray actions) {
        return keep(cg.feedForward(new INDArray[]{frames, actions}, false), ROLLOUT, frames, actions);
    }

    /** Inference: [B, 2D, 17] = (rollout, encodings), what the loss layer sees (train = true: batch statistics). */
    public INDArray rolloutAndEncodings(INDArray frames, INDArray actions, boolean train) {
        return keep(cg.feedForward(new INDArray[]{frames, actions}, train), ROLLOUT_ENC, frames, actions);
    }

    /** Inference: encoder outputs [B, D, T'] of a frame series [B, C·784, T'] of any length T' (GRU not run). */
    public INDArray encode(INDArray frames) {
        // a full sequence of (zero) actions: vertices fed by the actions alone may come before the encoder in
        // topological order and run too (H-JEPA's window sums of the actions need 16 of them)
        INDArray noActions = Nd4j.zeros(frames.dataType(), frames.size(0), ACTION_DIM, FRAMES - 1);
        // the encoder's dense layer as the only output: the pass stops there in topological order. (feedForward's
        // layerTillIndex reads a vertex index as a topological position, which stops short in H-JEPA's graph.)
        INDArray flat = cg.output(List.of(MeNet5.denseName(ENC_SEQ)), false, new INDArray[]{frames, noActions}, null)[0];
        return new jepa.nn.ImagesToFrames().preProcess(flat, (int) frames.size(0), LayerWorkspaceMgr.noWorkspaces());
    }

    /** Inference: the encoder output of frame 1, [B, D]. */
    public INDArray encodeFirstFrame(INDArray frames) {
        INDArray first = frames.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).dup();
        return encode(first).reshape(frames.size(0), params.embedding());
    }

    /**
     * The probe's data for a batch (reference §5.2): the rollout [n, 17, D] (index 0 = encoder output of frame 1)
     * with inference-mode BatchNorm, and the normalised dot locations [n, 17, dots, 2] as targets.
     */
    public jepa.probe.ProbeData probeData(jepa.data.Batch b) {
        INDArray reps = rollout(b.frames(), b.actions()).permute(0, 2, 1).dup('c');                   // [n, 17, D]
        return new jepa.probe.ProbeData(reps, b.probeTargets());
    }

    /**
     * acts.get(key), after freeing every other activation feedForward detached for us: each call hands back all
     * ~125 MB of activations (w = 2, batch 64) as off-heap arrays that otherwise live until a garbage collection,
     * which let the RSS of probing and benchmarking grow by GBs. Views and the caller's inputs are left alone.
     */
    static INDArray keep(Map<String, INDArray> acts, String key, INDArray... inputs) {
        INDArray kept = acts.get(key);
        if (kept == null || kept.isView()) return kept;
        java.util.Set<INDArray> spare = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        spare.add(kept);
        spare.addAll(java.util.Arrays.asList(inputs));
        for (INDArray a : acts.values())
            if (a != null && !spare.contains(a) && !a.isView() && !a.wasClosed() && a.closeable() && a.data() != kept.data()) {
                spare.add(a);
                a.close();
            }
        return kept;
    }

    /** Trainable parameters (PyTorch's n_params): DL4J's count minus the BatchNorm running mean/variance. */
    public long numParams() {
        long running = 0;
        for (var v : cg.getConfiguration().getVertices().entrySet()) {
            if (v.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                Map<String, INDArray> t = cg.getVertex(v.getKey()).paramTable(false);
                for (var e : t.entrySet()) if (!e.getKey().equals("gamma") && !e.getKey().equals("beta")) running += e.getValue().length();
            }
        }
        return cg.params().length() - running;     // cg.numParams() leaves out SameDiff vertices
    }
}
