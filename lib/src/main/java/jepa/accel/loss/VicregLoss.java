package jepa.accel.loss;

import jepa.accel.Backend;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Collection;
import java.util.Map;

/**
 * The VICReg JEPA loss of the reference code (reference §3.1), as a SameDiffOutputLayer on x = [B, 2D, T]
 * ([:, 0:D] = rollout, [:, D:2D] = encodings):
 * L_pred = mean over t = 2..T of mean_{batch,D} (s̃_t − s_t)²;
 * per frame t in 2..T (1..T without skipFirstStepVc), on encodings centred over the batch:
 * std_j = √(Var_unbiased + 1e-4), std_loss = mean_j ReLU(1 − std_j), Cov = xᵀx/(N−1), cov_loss = Σ_{i≠j} Cov_ij² / D;
 * L_var, L_cov = means over those frames; L = sim·L_pred + std·L_var + cov·L_cov.
 * <p>
 * Labels: a dummy [B, 1] (dl4j-notes §4 workaround #2, kept by {@link RolloutLossLayer}). Activations (cg.output) =
 * the input x itself. The SameDiff loss variable is B·L: see {@link LossScale}.
 * <p>
 * Runtime: {@link #instantiate} returns the hand-written {@link VicregLossRuntime} (same score and input gradient);
 * {@code defineLayer} stays the definition it is checked against (VicregLossRuntimeTest builds DL4J's stock runtime).
 */
public class VicregLoss extends RolloutLossLayer {
    public static final double STD_EPS = 1e-4;

    // DL4J serialises configurations with Jackson via bean accessors: private fields need @JsonProperty
    @JsonProperty private double simCoeff;
    @JsonProperty private double stdCoeff;
    @JsonProperty private double covCoeff;
    @JsonProperty private boolean skipFirstStepVc;

    /** For JSON deserialisation only. */
    public VicregLoss() {}

    public VicregLoss(int embedding, int frames, VicregParams p) {
        super(embedding, frames);
        this.simCoeff = p.simCoeff(); this.stdCoeff = p.stdCoeff(); this.covCoeff = p.covCoeff();
        this.skipFirstStepVc = p.skipFirstStepVc();
    }

    public VicregParams params() { return new VicregParams(simCoeff, stdCoeff, covCoeff, skipFirstStepVc); }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> p) {
        int t = frames, first = skipFirstStepVc ? 1 : 0, nf = t - first;
        SDVariable pred = rollout(x, 1, t);
        SDVariable tgt = encoded(x, 1, t);
        // workaround #3: no rank-0 intermediates (keepDims everywhere; batch counted with onesLike(...).sum(true, 0))
        SDVariable lPred = sd.math().square(pred.sub(tgt)).mean(true, 0, 1, 2);                       // [1,1,1]
        SDVariable n = LossScale.batchCount(sd, x);                                                    // [1] = B
        SDVariable nm1 = n.sub(1.0);
        SDVariable v = encoded(x, first, t);                                                           // [B, D, F]
        SDVariable c = v.sub(v.mean(true, 0));
        SDVariable var = sd.math().square(c).sum(true, 0).div(nm1);                                  // [1, D, F]
        SDVariable std = sd.math().sqrt(var.add(STD_EPS));
        SDVariable lVar = sd.nn().relu(std.rsub(1.0), 0.0).mean(true, 0, 1, 2);                       // [1,1,1]
        SDVariable cp = sd.permute(c, 2, 0, 1);                                                        // [F, B, D]
        SDVariable cov = sd.mmul(cp, cp, true, false, false).div(nm1);                                 // [F, D, D]
        INDArray offDiag = Nd4j.ones(x.dataType(), 1, d, d).subi(Nd4j.eye(d).castTo(x.dataType()).reshape(1, d, d));
        SDVariable lCov = sd.math().square(cov.mul(sd.constant(offDiag))).sum(true, 0, 1, 2).div((double) d * nf);
        SDVariable l = lPred.mul(simCoeff).add(lVar.mul(stdCoeff)).add(lCov.mul(covCoeff));
        return LossScale.asDl4jScore(sd, l, n);     // = finish(sd, x, l), reusing the batch count
    }

    /** The loss terms, computed with ND4J in double outside the graph (for progress lines and tests). */
    public record Terms(double total, double pred, double var, double cov) {}

    public Terms terms(INDArray x) { return terms(x.castTo(DataType.DOUBLE), d, params()); }

    public static Terms terms(INDArray x, int d, VicregParams p) {
        x = x.castTo(DataType.DOUBLE);
        long b = x.size(0), t = x.size(2);
        int first = p.skipFirstStepVc() ? 1 : 0;
        INDArray pred = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d), NDArrayIndex.interval(1, t));
        INDArray enc = x.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d), NDArrayIndex.all());
        INDArray tgt = enc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, t));
        double lPred = Transforms.pow(pred.sub(tgt), 2).meanNumber().doubleValue();
        double lVar = 0, lCov = 0;
        for (long f = first; f < t; f++) {
            INDArray e = enc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(f)).dup();  // [B, D]
            e.subiRowVector(e.mean(0));
            INDArray cov = e.transpose().mmul(e).divi(b - 1);                                          // [D, D]
            INDArray diag = Nd4j.diag(cov);
            INDArray std = Transforms.sqrt(diag.add(STD_EPS));
            lVar += Transforms.relu(std.rsub(1.0)).meanNumber().doubleValue();
            double all = Transforms.pow(cov, 2).sumNumber().doubleValue();
            double onDiag = Transforms.pow(diag, 2).sumNumber().doubleValue();
            lCov += (all - onDiag) / d;
        }
        lVar /= (t - first);
        lCov /= (t - first);
        return new Terms(p.simCoeff() * lPred + p.stdCoeff() * lVar + p.covCoeff() * lCov, lPred, lVar, lCov);
    }

    /** The hand-written {@link VicregLossRuntime} instead of DL4J's SameDiff runtime (same wiring, no parameters). */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        return jepa.accel.LayerRuntimes.wire(new VicregLossRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    // "input": DL4J's SameDiffOutputLayer then returns the input itself without running the graph
    @Override public String activationsVertexName() { return "input"; }
    @Override public void defineParameters(SDLayerParams params) {}
    @Override public void initializeParameters(Map<String, INDArray> params) {}
    @Override public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.recurrent(2L * d, frames); }
}
