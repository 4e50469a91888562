package jepa.method;

import jepa.accel.loss.VicregParams;
import jepa.data.Batch;
import jepa.nn.PytorchInit;
import jepa.nn.StepVertices;
import jepa.settings.Check;
import jepa.settings.ConfigError;
import jepa.settings.MethodConfig;
import jepa.settings.TrainConfig;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL1;

import java.util.List;
import java.util.Map;

/**
 * A JEPA with a latent-variable predictor (seed 001 §4.4–4.5): the GRU takes [a_t, z_t], z_t inferred by an amortised
 * encoder from [s_t, s_{t+1}] — it sees the observed future, so z can carry what the actions do not (the 3-dot world's
 * random dot). Its information is kept small: continuous z of a few dimensions with an L1 penalty
 * (l1-coeff · Σ|z| / B), or discrete z, one of K one-hot values (the largest logit; straight-through gradient).
 * VICReg's loss and LARS as the VICReg JEPA. Progress terms include the energies of matched and mismatched pairs
 * ({@link LatentEnergy}): a z that explains any future would make them equal.
 */
public final class LatentJepa extends LarsMethod {
    public static final String CONTINUOUS = "continuous", DISCRETE = "discrete";
    public static final MethodType TYPE = type("vicreg-latent", CONTINUOUS, """
            latent-dim = 2          # z's dimensions
            l1-coeff = 1.0          # weight of the L1 penalty on z""");
    public static final MethodType DISCRETE_TYPE = type("vicreg-latent-discrete", DISCRETE, """
            latent-dim = 4          # K, the values z can take""");
    public static final List<MethodType> TYPES = List.of(TYPE, DISCRETE_TYPE);

    public static final String PAIRS = "z_pairs", Z = "z", GRU_IN = "z_gru_in", Z_L1 = "z_l1";

    private final String name, latent;
    private final VicregParams vicreg;
    private final int latentDim;
    private final double l1Coeff;

    private LatentJepa(String name, String latent, MethodConfig m) {
        this.name = name;
        this.latent = latent;
        var c = m.keys();
        String p = "method." + name + ".";
        vicreg = new VicregParams(Check.number(c, p + "sim-coeff"), Check.number(c, p + "std-coeff"), Check.number(c, p + "cov-coeff"),
                Check.bool(c, p + "skip-first-step-vc"));
        latentDim = Check.integer(c, p + "latent-dim");
        Check.positive(p + "latent-dim", latentDim);
        l1Coeff = latent.equals(CONTINUOUS) ? Check.number(c, p + "l1-coeff") : 0;
        Check.nonNegative(p + "l1-coeff", l1Coeff);
        if (m.gruLayers() != 1) throw new ConfigError(name + " has one GRU layer: method.gru-layers must be 1, got " + m.gruLayers());
    }

    private static MethodType type(String name, String latent, String keys) {
        return new MethodType(name, LatentJepa.class, """
                sim-coeff = 25
                std-coeff = 25
                cov-coeff = 1
                skip-first-step-vc = true
                """ + keys, Map.of("train.base-lr", "vicreg.base_lr"), m -> new LatentJepa(name, latent, m));
    }

    @Override public String name() { return name; }
    @Override public Layer lossLayer(JepaParams p, int dots) { return Vicreg.loss(p, vicreg); }
    @Override public INDArray labels(Batch b) { return dummy(b); }

    public boolean discrete() { return latent.equals(DISCRETE); }
    public int latentDim() { return latentDim; }

    @Override
    public MultiDataSet dataSet(Batch b) {
        INDArray[] labels = discrete() ? new INDArray[]{dummy(b)}
                : new INDArray[]{dummy(b), Nd4j.zeros(b.frames().dataType(), b.size(), latentDim, JepaNetwork.FRAMES - 1)};
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{b.frames(), b.actions()}, labels);
    }

    @Override
    public JepaNetwork build(JepaParams p, int dots, TrainConfig t, int stepsPerEpoch) {
        int d = p.embedding(), steps = JepaNetwork.FRAMES - 1;
        JepaNetwork.PredictorInput input = new JepaNetwork.PredictorInput() {
            public String add(org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder gb) {
                gb.addVertex(PAIRS, new StepVertices.ConsecutivePairs(d, JepaNetwork.FRAMES), JepaNetwork.ENC_SEQ);
                gb.addLayer(Z + "_fc", new DenseLayer.Builder().nIn(2L * d).nOut(latentDim).activation(Activation.IDENTITY).build(),
                        new RnnToFeedForwardPreProcessor(), PAIRS);
                String zIn = discrete() ? Z + "_logits" : Z;
                gb.addVertex(zIn, new PreprocessorVertex(new FeedForwardToRnnPreProcessor()), Z + "_fc");
                if (discrete()) gb.addVertex(Z, new StepVertices.OneHotArgmax(latentDim, steps), zIn);
                gb.addVertex(GRU_IN, new MergeVertex(), JepaNetwork.ACTIONS_IN, Z);
                return GRU_IN;
            }

            public int dim() { return JepaNetwork.ACTION_DIM + latentDim; }
        };
        ComputationGraph cg = new ComputationGraph(JepaNetwork.config(p, lossLayer(p, dots), nb -> configureOptimiser(nb, t, stepsPerEpoch),
                DataType.FLOAT, input, gb -> {
                    if (discrete()) return List.of();
                    INDArray w = Nd4j.valueArrayOf(new long[]{1, latentDim}, l1Coeff, DataType.FLOAT);
                    gb.addLayer(Z_L1, new RnnLossLayer.Builder().lossFunction(new LossL1(w)).activation(Activation.IDENTITY).build(), Z);
                    return List.of(Z_L1);
                }));
        cg.init();
        PytorchInit.apply(cg, p.seed());
        return new JepaNetwork(cg, p);
    }

    /** The VICReg terms and the energies of matched and mismatched (x, y) pairs on the batch that just trained. */
    @Override
    public Map<String, Double> terms(JepaNetwork net, Batch b) {
        LatentEnergy.Energies e = LatentEnergy.of(net, this).energies(b);
        return Map.of("energy_matched", e.matched(), "energy_mismatched", e.mismatched());
    }
}
