package jepa.method;

import jepa.accel.loss.VicregLoss;
import jepa.accel.loss.VicregLossRuntime;
import jepa.accel.loss.VicregParams;

import jepa.data.Batch;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/** VICReg JEPA (reference §3.1): {@link JepaNetwork} + {@link VicregLoss}, trained with LARS. */
public final class Vicreg extends LarsMethod {
    public static final MethodType TYPE = new MethodType("vicreg", Vicreg.class, """
            sim-coeff = 25          # L = sim-coeff·L_pred + std-coeff·L_var + cov-coeff·L_cov
            std-coeff = 25
            cov-coeff = 1
            skip-first-step-vc = true   # variance/covariance on frames 2..17 only (all reference configs)""",
            Map.of("train.base-lr", "vicreg.base_lr", "method.vicreg.sim-coeff", "vicreg.sim_coeff",
                    "method.vicreg.std-coeff", "vicreg.std_coeff", "method.vicreg.cov-coeff", "vicreg.cov_coeff"),
            m -> new Vicreg(VicregParams.from(m)));

    private final VicregParams params;

    public Vicreg(VicregParams params) { this.params = params; }

    @Override public String name() { return TYPE.name(); }
    @Override public Layer lossLayer(JepaParams p, int dots) { return loss(p, params); }
    @Override public INDArray labels(Batch b) { return dummy(b); }

    /**
     * The terms of the step that just trained on b, as its loss layer computed them (so they add up to the step's
     * loss; a second forward pass cost ~4 % of training at log-every 8); a forward pass when the layer has none.
     */
    @Override
    public Map<String, Double> terms(JepaNetwork net, Batch b) {
        VicregLoss.Terms t = net.graph().getLayer(JepaNetwork.LOSS) instanceof VicregLossRuntime r && r.lastTrainingTerms() != null
                ? r.lastTrainingTerms() : terms(net, b.frames(), b.actions());
        return Map.of("pred", t.pred(), "var", t.var(), "cov", t.cov());
    }

    public static JepaNetwork build(JepaParams p, VicregParams v, IUpdater updater) {
        return build(p, v, updater, DataType.FLOAT);
    }

    public static JepaNetwork build(JepaParams p, VicregParams v, IUpdater updater, DataType dataType) {
        return JepaNetwork.build(p, loss(p, v), updater, dataType);
    }

    public static VicregLoss loss(JepaParams p, VicregParams v) {
        return new VicregLoss(p.embedding(), JepaNetwork.FRAMES, v);
    }

    /** A training batch: frames [B, C·784, 17], actions [B, 2, 16], and the dummy [B, 1] label VICReg needs. */
    public static MultiDataSet dataSet(INDArray frames, INDArray actions) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{frames, actions},
                new INDArray[]{Nd4j.zeros(frames.dataType(), frames.size(0), 1)});
    }

    /** The three loss terms on training-mode activations (BN batch statistics) — for progress lines. */
    public static VicregLoss.Terms terms(JepaNetwork net, INDArray frames, INDArray actions) {
        VicregLoss l = (VicregLoss) net.graph().getLayer(JepaNetwork.LOSS).conf().getLayer();
        return l.terms(net.rolloutAndEncodings(frames, actions, true));
    }
}
