package jepa.method;

import jepa.analysis.ReconstructionStrip;
import jepa.settings.TrainConfig;
import jepa.nn.BilinearResize;
import jepa.nn.GaussianNoise;
import jepa.nn.MeNet5;
import jepa.nn.MeNet5Decoder;
import jepa.nn.PytorchInit;
import jepa.data.Batch;
import jepa.settings.Check;
import jepa.optim.DuplicateRegularizationFix;
import jepa.optim.GlobalNormClipping;
import jepa.optim.ReferenceAdam;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The RSSM reconstruction baseline (reference §2.5, reference §3.4, reference §4.2, reference §5.2) on the JEPA graph contract:
 * frames, actions → "enc_seq" (MeNet5) → "rssm" ({@link RssmVertex}, with "noise" from {@link GaussianNoise}) →
 * "dec_in" = [z, h] → MeNet5 decoder "decoded" [B, C·54·54, 17] → "loss_in" = Merge(decoded, "kl", "rollout") →
 * {@link RssmLoss}.
 * "rollout" [B, D, 17] = the probe's belief rollout (predict_sequence: prior samples, no min_var, stochastic from the
 * noise vertex's seeded stream). Adam with global-norm clipping at 1000 (a listener, added by {@link #configure}).
 */
public final class Rssm implements NetworkMethod {
    public static final MethodType TYPE = new MethodType("rssm", Rssm.class, """
            learning-rate = 1e-3    # Adam, constant, global-norm clipping at 1000
            min-var = 0.1           # added to the prior and posterior stds, in training only
            free-nats = 3.0         # floor on each step's KL""",
            Map.of("method.rssm.learning-rate", "rssm.learning_rate", "method.rssm.min-var", "rssm.min_var"),
            m -> new Rssm(new RssmParams(Check.number(m.keys(), "method.rssm.learning-rate"), Check.number(m.keys(), "method.rssm.min-var"),
                    Check.number(m.keys(), "method.rssm.free-nats")), m.sumChannels()));

    public static final String NOISE = "noise", RSSM = "rssm", DEC_IN = "dec_in", KL = "kl", DECODED = "decoded", LOSS_IN = "loss_in";
    /** Noise slots: prior samples, posterior samples, rollout prior samples (see RssmVertex). */
    public static final int NOISE_SLOTS = 3 * JepaNetwork.FRAMES;
    /** The noise stream's seed is derived from the init seed, so it differs from the parameter stream. */
    static final long NOISE_SEED_MIX = 0x5DEECE66DL;

    private final RssmParams params;
    private final boolean sumChannels;

    /** sumChannels as method.sum-channels: the 3-dot model sees (and reconstructs) the channel sum. */
    public Rssm(RssmParams params, boolean sumChannels) { this.params = params; this.sumChannels = sumChannels; }

    public Rssm(RssmParams params) { this(params, true); }

    public RssmParams params() { return params; }

    @Override public String name() { return TYPE.name(); }

    @Override
    public Layer lossLayer(JepaParams p, int dots) {
        return new RssmLoss(p.embedding(), p.encoderChannels(), JepaNetwork.FRAMES, params.freeNats());
    }

    @Override
    public void configureOptimiser(NeuralNetConfiguration.Builder b, TrainConfig t, int stepsPerEpoch) {
        b.updater(ReferenceAdam.of(params.learningRate()));
    }

    /** Reconstruction targets [B, C'·784, 17]: the normalised frames as the encoder sees them. */
    @Override
    public INDArray labels(Batch b) { return targets(b.frames(), sumChannels); }

    /** Frames [B, C·784, T] → channel-summed [B, 784, T] when {@code sum}, else unchanged. */
    public static INDArray targets(INDArray frames, boolean sum) {
        long c = frames.size(1) / JepaNetwork.PIXELS;
        if (!sum || c == 1) return frames;
        INDArray out = frames.get(NDArrayIndex.all(), NDArrayIndex.interval(0, JepaNetwork.PIXELS), NDArrayIndex.all()).dup();
        for (long k = 1; k < c; k++)
            out.addi(frames.get(NDArrayIndex.all(), NDArrayIndex.interval(k * JepaNetwork.PIXELS, (k + 1) * JepaNetwork.PIXELS), NDArrayIndex.all()));
        return out;
    }

    /** RSSM clips the global gradient norm at 1000 (reference §4.2); the listener is not saved with the model. */
    @Override
    public void configure(ComputationGraph cg) {
        boolean present = cg.getListeners() != null && cg.getListeners().stream().anyMatch(l -> l instanceof GlobalNormClipping);
        if (!present) cg.addListeners(new GlobalNormClipping(RssmParams.CLIP_NORM));
    }

    @Override
    public JepaNetwork build(JepaParams p, int dots, TrainConfig t, int stepsPerEpoch) {
        JepaNetwork net = build(p, params, nb -> configureOptimiser(nb, t, stepsPerEpoch), DataType.FLOAT);
        configure(net.graph());
        return net;
    }

    /** Builds and initialises (PyTorch rule from p.seed()) the RSSM graph; no listener (see {@link #configure}). */
    public static JepaNetwork build(JepaParams p, RssmParams r, Consumer<NeuralNetConfiguration.Builder> optimiser, DataType dataType) {
        ComputationGraph cg = new ComputationGraph(config(p, r, optimiser, dataType));
        cg.init();
        PytorchInit.apply(cg, p.seed());
        return new JepaNetwork(cg, p);
    }

    public static ComputationGraphConfiguration config(JepaParams p, RssmParams r, Consumer<NeuralNetConfiguration.Builder> optimiser,
                                                       DataType dataType) {
        if (p.gruLayers() != 1) throw new jepa.settings.ConfigError("rssm has one GRUCell: method.gru-layers must be 1, got " + p.gruLayers());
        int d = p.embedding(), t = JepaNetwork.FRAMES, c = p.encoderChannels();
        NeuralNetConfiguration.Builder nb = new NeuralNetConfiguration.Builder().seed(p.seed()).dataType(dataType).miniBatch(true);
        optimiser.accept(nb);
        ComputationGraphConfiguration.GraphBuilder gb = nb.graphBuilder()
                .addInputs(JepaNetwork.FRAMES_IN, JepaNetwork.ACTIONS_IN)
                .setInputTypes(InputType.recurrent((long) p.channels() * JepaNetwork.PIXELS, t),
                        InputType.recurrent(JepaNetwork.ACTION_DIM, t - 1));
        MeNet5.add(gb, JepaNetwork.FRAMES_IN, p.channels(), p.sumChannels(), p.width(), d, t, JepaNetwork.ENC_SEQ);
        // the noise vertex hangs off enc_seq (for the batch size only): JepaNetwork.encode's feedForward(.., layerTillIndex, ..)
        // counts topological positions, so nothing may be sorted between the inputs and the encoder's dense layer
        gb.addVertex(NOISE, new GaussianNoise(d, NOISE_SLOTS, p.seed() ^ NOISE_SEED_MIX, r.sample()), JepaNetwork.ENC_SEQ);
        gb.addVertex(RSSM, new RssmVertex(d, t, JepaNetwork.ACTION_DIM, r.minVar(), r.detach()), JepaNetwork.ENC_SEQ, JepaNetwork.ACTIONS_IN, NOISE);
        gb.addVertex(DEC_IN, new SubsetVertex(0, 2 * d - 1), RSSM);
        gb.addVertex(KL, new SubsetVertex(2 * d, 3 * d - 1), RSSM);
        gb.addVertex(JepaNetwork.ROLLOUT, new SubsetVertex(3 * d, 4 * d - 1), RSSM);
        MeNet5Decoder.add(gb, DEC_IN, 2 * d, p.width(), c, DECODED);
        // "rollout" joins the loss input only to stay connected (DL4J needs an epsilon for every vertex); the loss ignores it
        gb.addVertex(LOSS_IN, new MergeVertex(), DECODED, KL, JepaNetwork.ROLLOUT);
        gb.addLayer(JepaNetwork.LOSS, new RssmLoss(d, c, t, r.freeNats()), LOSS_IN);
        gb.setOutputs(JepaNetwork.LOSS);
        return DuplicateRegularizationFix.apply(gb.build());
    }

    /** Reconstruction (per-pixel MSE, mean over frames) and KL (raw, mean over steps) on training-mode activations. */
    @Override
    public Map<String, Double> terms(JepaNetwork net, Batch b) {
        RssmLoss.Terms t = terms(net, b.frames(), b.actions(), labels(b));
        return Map.of("rec", t.rec(), "kl", t.kl());
    }

    public RssmLoss.Terms terms(JepaNetwork net, INDArray frames, INDArray actions, INDArray labels) {
        INDArray x = net.graph().feedForward(new INDArray[]{frames, actions}, true).get(LOSS_IN);
        RssmLoss l = (RssmLoss) net.graph().getLayer(JepaNetwork.LOSS).conf().getLayer();
        return l.terms(x, labels);
    }

    /**
     * Decoded frames [B, C', 17, 28, 28] (prior sample and belief through the decoder, resized 54 → 28), with
     * training-mode BatchNorm as the reference's logged reconstructions. Same batch-size rule as training.
     */
    public static INDArray decode(JepaNetwork net, INDArray frames, INDArray actions) {
        INDArray dec = net.graph().feedForward(new INDArray[]{frames, actions}, true).get(DECODED);   // [B, C'·2916, T]
        long b = dec.size(0), t = dec.size(2), c = dec.size(1) / ((long) MeNet5Decoder.SIZE * MeNet5Decoder.SIZE);
        INDArray imgs = dec.permute(0, 2, 1).dup('c').reshape('c', b * t * c, MeNet5Decoder.SIZE, MeNet5Decoder.SIZE);
        int o = MeNet5Decoder.OUT;
        return BilinearResize.apply(imgs, MeNet5Decoder.SIZE, o).reshape('c', b, t, c, o, o).permute(0, 2, 1, 3, 4).dup('c');
    }

    /** Writes a PNG strip for the first {@code rows} sequences of {@code b}: input frames above decoded frames. */
    /** The run's reconstruction strip (inputs over decoded frames of 4 sequences): {@code reconstructions.png}. */
    @Override
    public void afterTraining(JepaNetwork net, Batch diagnostics, Path runDir) {
        writeStrip(net, diagnostics, Math.min(4, diagnostics.size()), runDir.resolve("reconstructions.png"));
    }

    public void writeStrip(JepaNetwork net, Batch b, int rows, Path png) {
        INDArray in = labels(b);                                                                     // [B, C'·784, T]
        long n = in.size(0), t = in.size(2), c = in.size(1) / JepaNetwork.PIXELS;
        INDArray inputs = in.permute(0, 2, 1).dup('c').reshape('c', n, t, c, 28, 28).permute(0, 2, 1, 3, 4).dup('c');
        INDArray decoded = decode(net, b.frames(), b.actions());
        ReconstructionStrip.write(inputs, decoded, rows, png);
    }
}
