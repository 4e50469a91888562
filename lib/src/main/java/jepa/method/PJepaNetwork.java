package jepa.method;

import jepa.accel.dense.Linear;
import jepa.data.CountingBatch;
import jepa.nn.BatchSlice;
import jepa.nn.ConvDecoder;
import jepa.nn.ConvEncoder;
import jepa.nn.Detach;
import jepa.nn.NormedLinear;
import jepa.nn.PytorchInit;
import jepa.nn.ResNetEncoder;
import jepa.nn.SoftCrossEntropy;
import jepa.nn.Symlog;
import jepa.nn.TdMpc2Init;
import jepa.nn.TwoHot;
import jepa.optim.ReferenceAdam;
import jepa.settings.PJepaConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * P-JEPA's network ({@link PJepa}) as one ComputationGraph: inputs {@code frames} ([B, 3, S, S] holding o, or [2B, …]
 * holding o then o′ when the dynamics loss trains) and, with the dynamics, {@code action} [B, 1]; the encoder gives {@code z} = E(o)
 * (and {@code z_next} = E(o′), the same encoder on the same stacked batch); outputs, in this order, those the variant
 * has:
 * <ul>
 *   <li>{@code dynamics}: T([z, a]) − z_next through NormedLinear(257 → 512, Mish) → Linear(512 → 256), an MSE
 *       against zeros weighted c_dyn — so the gradient reaches both E(o) (through T) and E(o′) (no stop-gradient);</li>
 *   <li>{@code aux}: P(z) = NormedLinear(256 → 512) → NormedLinear(512 → 512) → Linear(512 → 101 two-hot logits,
 *       1 for MSE on symlog r, or 256 for the random projection), weighted c_p;</li>
 *   <li>{@code decoder}: the decoder on {@link Detach}(z) of the batch's first 1/decoder-parts, MSE against o in
 *       [−1, 1].</li>
 * </ul>
 * Adam at the variant's lr, the encoder's parameters at lr·encoder-lr-scale. TD-MPC2's init ({@link TdMpc2Init}),
 * with the reward head's last weight zero as TD-MPC2 starts it.
 */
public final class PJepaNetwork {
    public static final int LATENT = 256, HIDDEN = 512;
    public static final String FRAMES = "frames", ACTION = "action", Z = "z", Z_NEXT = "z_next", ENCODER = "encoder",
            DYNAMICS = "dynamics", AUX = "aux", DECODER = "decoder", DECODED = "decoded";

    private final ComputationGraph graph;
    private final PJepa method;
    private final int imageSize;
    private final INDArray projection;      // pjepa-random's fixed map [3·S·S, 256]; null otherwise
    private final int decoderParts;
    private static final TwoHot TWO_HOT = TwoHot.tdmpc2();

    private PJepaNetwork(ComputationGraph graph, PJepa method, int imageSize, int decoderParts) {
        this.graph = graph;
        this.decoderParts = decoderParts;
        this.method = method;
        this.imageSize = imageSize;
        this.projection = method.aux() == PJepa.Aux.RANDOM ? projection(method.projectionSeed(), 3 * imageSize * imageSize) : null;
    }

    /** A new network, initialised from {@code seed}. */
    public static PJepaNetwork build(PJepa method, PJepaConfig config, int imageSize, long seed) {
        return build(method, config, imageSize, seed, true);
    }

    /** As above; {@code decoder = false} leaves the decoder out (tests: the decoder must not change what E learns). */
    public static PJepaNetwork build(PJepa method, PJepaConfig config, int imageSize, long seed, boolean decoder) {
        ComputationGraph cg = new ComputationGraph(configuration(method, config, imageSize, decoder));
        cg.init();
        TdMpc2Init.apply(cg, seed);
        if (method.aux() == PJepa.Aux.REWARD) cg.getLayer(AUX).getParam("W").assign(0);   // TD-MPC2: zero_(reward[-1].weight)
        return new PJepaNetwork(cg, method, imageSize, config.decoderParts());
    }

    /** A network restored from a checkpoint (the graph as saved, with its updater state). */
    public static PJepaNetwork of(ComputationGraph graph, PJepa method, PJepaConfig config, int imageSize) {
        return new PJepaNetwork(graph, method, imageSize, config.decoderParts());
    }

    static ComputationGraphConfiguration configuration(PJepa m, PJepaConfig config, int imageSize, boolean decoder) {
        IUpdater encoderUpdater = ReferenceAdam.of(m.encoderLr());
        GraphBuilder gb = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(ReferenceAdam.of(m.lr())).graphBuilder();
        if (m.dynamics()) gb.addInputs(FRAMES, ACTION).setInputTypes(InputType.convolutional(imageSize, imageSize, 3), InputType.feedForward(1));
        else gb.addInputs(FRAMES).setInputTypes(InputType.convolutional(imageSize, imageSize, 3));
        // the same vertex names in every variant: the same initial encoder (TdMpc2Init keys its streams by name)
        if (config.encoder().equals(PJepaConfig.RESNET)) ResNetEncoder.add(gb, FRAMES, LATENT, encoderUpdater, ENCODER);
        else ConvEncoder.add(gb, FRAMES, imageSize, LATENT, encoderUpdater, ENCODER);
        List<String> outputs = new ArrayList<>();
        gb.addVertex(Z, new BatchSlice(0, m.dynamics() ? 2 : 1), ENCODER);
        if (m.dynamics()) {
            gb.addVertex(Z_NEXT, new BatchSlice(1, 2), ENCODER);
            gb.addVertex("dyn_in", new MergeVertex(), Z, ACTION);
            gb.addVertex("dyn_h", new NormedLinear(LATENT + 1, HIDDEN), "dyn_in");
            gb.addLayer("dyn_out", new Linear(new DenseLayer.Builder().nIn(HIDDEN).nOut(LATENT).activation(Activation.IDENTITY)), "dyn_h");
            gb.addVertex("dyn_err", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "dyn_out", Z_NEXT);
            gb.addLayer(DYNAMICS, new LossLayer.Builder(new LossMSE(Nd4j.valueArrayOf(new long[]{1, LATENT}, m.dynamicsCoeff())))
                    .activation(Activation.IDENTITY).build(), "dyn_err");
            outputs.add(DYNAMICS);
        }
        if (m.aux() != PJepa.Aux.NONE) {
            gb.addVertex("aux_h1", new NormedLinear(LATENT, HIDDEN), Z);
            gb.addVertex("aux_h2", new NormedLinear(HIDDEN, HIDDEN), "aux_h1");
            int out = auxSize(m);
            OutputLayer.Builder head = m.aux() == PJepa.Aux.REWARD && m.rewardLoss() == PJepa.RewardLoss.TWO_HOT
                    ? new OutputLayer.Builder(new SoftCrossEntropy(m.auxCoeff()))
                    : new OutputLayer.Builder(new LossMSE(Nd4j.valueArrayOf(new long[]{1, out}, m.auxCoeff())));
            gb.addLayer(AUX, head.nIn(HIDDEN).nOut(out).activation(Activation.IDENTITY).build(), "aux_h2");
            outputs.add(AUX);
        }
        if (decoder) {
            gb.addVertex("dec_in", new Detach(), Z);
            String in = "dec_in";
            if (config.decoderParts() > 1) gb.addVertex(in = "dec_part", new BatchSlice(0, config.decoderParts()), "dec_in");
            ConvDecoder.add(gb, in, LATENT, imageSize, DECODED);
            // the mean over channels and pixels (F.mse_loss): the loss layer averages channels and sums pixels
            gb.addLayer(DECODER, new CnnLossLayer.Builder(new LossMSE(Nd4j.valueArrayOf(new long[]{1, 3}, 1.0 / ((double) imageSize * imageSize))))
                    .activation(Activation.IDENTITY).build(), DECODED);
            outputs.add(DECODER);
        }
        return gb.setOutputs(outputs.toArray(new String[0])).build();
    }

    private static int auxSize(PJepa m) {
        if (m.aux() == PJepa.Aux.RANDOM) return LATENT;
        return m.rewardLoss() == PJepa.RewardLoss.TWO_HOT ? TWO_HOT.bins() : 1;
    }

    public ComputationGraph graph() { return graph; }

    public PJepa method() { return method; }

    /** The fit input of a batch: features (frames, action) and one label per output in {@link #configuration}'s order. */
    public MultiDataSet dataSet(CountingBatch b) {
        if (b.withNext() != method.dynamics())
            throw new IllegalArgumentException(method.name() + (method.dynamics() ? " needs o′ stacked after o" : " takes o only"));
        List<INDArray> labels = new ArrayList<>();
        int n = b.size();
        if (method.dynamics()) labels.add(Nd4j.zeros(DataType.FLOAT, n, LATENT));
        if (method.aux() != PJepa.Aux.NONE) labels.add(auxTargets(b));
        if (graph.getConfiguration().getNetworkOutputs().contains(DECODER)) {
            if (n % decoderParts != 0) throw new IllegalArgumentException("batch of " + n + " is not " + decoderParts + " equal parts (pjepa.decoder-parts)");
            labels.add(b.observations().get(NDArrayIndex.interval(0, n / decoderParts)).mul(2));    // [−1, 1]
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(inputs(b.frames(), b.actions()), labels.toArray(new INDArray[0]));
    }

    /** What P is trained to output for the batch's observations: two-hot(symlog r), symlog r, or W·o. */
    public INDArray auxTargets(CountingBatch b) {
        return switch (method.aux()) {
            case REWARD -> {
                if (method.rewardLoss() == PJepa.RewardLoss.TWO_HOT) yield TWO_HOT.encode(b.rewards(), DataType.FLOAT);
                float[] s = new float[b.size()];
                for (int i = 0; i < s.length; i++) s[i] = (float) Symlog.symlog(b.rewards()[i]);
                yield Nd4j.createFromArray(s).reshape(s.length, 1);
            }
            case RANDOM -> b.observations().reshape('c', b.size(), projection.rows()).mmul(projection);
            case NONE -> throw new IllegalStateException("no auxiliary head");
        };
    }

    /** pjepa-random's fixed map: W [in, 256] ~ U(±1/√in), as nn.Linear initialises its weight (no bias). */
    static INDArray projection(long seed, int in) {
        INDArray w = Nd4j.createUninitialized(DataType.FLOAT, in, LATENT);
        PytorchInit.uniform(w, 1.0 / Math.sqrt(in), new SplittableRandom(seed));
        return w;
    }

    /** The graph's inputs: frames, and the actions when the dynamics trains (reward-only has no action input). */
    INDArray[] inputs(INDArray frames, INDArray actions) {
        return method.dynamics() ? new INDArray[]{frames, actions} : new INDArray[]{frames};
    }

    /** E(images) for images [n, 3, S, S], in chunks of {@code chunk}: [n, 256]. */
    public INDArray encode(INDArray images, int chunk) {
        String out = ENCODER;
        int layer = -1;                                      // feedForward stops after a LAYER index (not a vertex index)
        org.deeplearning4j.nn.api.Layer[] layers = graph.getLayers();
        for (int i = 0; i < layers.length; i++) if (out.equals(layers[i].conf().getLayer().getLayerName())) layer = i;
        long n = images.size(0);
        INDArray z = Nd4j.createUninitialized(DataType.FLOAT, n, LATENT);
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            INDArray x = images.get(NDArrayIndex.interval(from, to)).dup('c');
            Map<String, INDArray> act = graph.feedForward(inputs(x, Nd4j.zeros(DataType.FLOAT, to - from, 1)), layer, false);
            z.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(act.get(out));
        }
        return z;
    }

    /** The decoder's reconstruction of images [n, 3, S, S], in [−1, 1] units: [n, 3, S, S]. */
    public INDArray decode(INDArray images) {
        INDArray[] copies = new INDArray[decoderParts];        // the decoder reads the first 1/decoder-parts of the batch
        java.util.Arrays.fill(copies, images);
        INDArray o = Nd4j.concat(0, copies);
        long n = o.size(0);
        INDArray frames = method.dynamics() ? Nd4j.concat(0, o, o) : o;
        Map<String, INDArray> act = graph.feedForward(inputs(frames, Nd4j.zeros(DataType.FLOAT, n, 1)), false);
        return act.get(DECODED).dup();
    }

    /** The last fit step's loss terms, by output (each output layer's score: its weighted loss). */
    public Map<String, Double> terms() {
        Map<String, Double> t = new LinkedHashMap<>();
        for (String o : graph.getConfiguration().getNetworkOutputs()) t.put(o, graph.getLayer(o).score());
        return t;
    }

    public int imageSize() { return imageSize; }
}
