package jepa.method;

import jepa.accel.TorchInitialisable;

import jepa.accel.loss.RolloutLossLayer;

import jepa.settings.ConfigError;
import jepa.nn.PytorchInit;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverse-dynamics loss as the reference code (vicreg.py with action_coeff > 0, reference §3.3): an action head
 * Linear(2D -> 2) with bias predicts a_i from [current_i, s_{i+1}], where current_1 = s_1 and afterwards the
 * GRU prediction s~_i; L = mean over the 16 steps of MSE(a_i, a^_i) (mean over batch x 2); total = actionCoeff * L
 * (the reference IDM configs have sim = std = cov = 0).
 *
 * Labels: the normalised actions as [B, 2, T-1] (DL4J's recurrent layout, the same array the GRU takes as input;
 * 3-D labels work in M2.1, whether fit or output runs first). The layer's activations (cg.output) are the
 * predicted actions a^ in the same layout.
 */
public class IdmLoss extends RolloutLossLayer implements TorchInitialisable {
    public static final String W = "W", B = "b";
    private static final int A = 2;

    @JsonProperty private double actionCoeff = 1.0;

    protected IdmLoss() {}   // for JSON

    public IdmLoss(int d, double actionCoeff) { this(d, FRAMES, actionCoeff); }

    public IdmLoss(int d, int frames, double actionCoeff) {
        super(d, frames);
        if (!(actionCoeff > 0)) throw new ConfigError("idm action_coeff must be > 0, got " + actionCoeff);
        this.actionCoeff = actionCoeff;
    }

    public double actionCoeff() { return actionCoeff; }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> params) {
        int steps = frames - 1;
        // x[:, 0:D, 0..T-2] is exactly (s_1, s~_2, ..., s~_{T-1}): the reference's "current" for i = 1..T-1
        SDVariable pairs = sd.concat(1, rollout(x, 0, steps), encoded(x, 1, frames));        // [B, 2D, T-1]
        SDVariable rows = sd.permute(pairs, 0, 2, 1).reshape(-1, 2L * d);                    // [B(T-1), 2D]
        SDVariable flat = rows.mmul(params.get(W)).add(params.get(B));                       // [B(T-1), 2]
        SDVariable actions = sd.permute(flat.reshape(-1, steps, A), 0, 2, 1);                // [B, 2, T-1]
        sd.identity("idm_actions", actions);
        // mean over batch x 2 per step, then over the steps = one mean over everything
        SDVariable err = sd.math().square(actions.sub(labels)).mean(true, 0, 1, 2);         // [1,1,1]
        return finish(sd, x, err.mul(actionCoeff));
    }

    @Override public String activationsVertexName() { return "idm_actions"; }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(W, 2L * d, A);
        params.addBiasParam(B, 1, A);
    }

    /** DL4J's own init call: the PyTorch rule below, drawn from ND4J's RNG (so cg.init() alone is seeded too). */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        torchInit(params, new SplittableRandom(Nd4j.getRandom().nextLong()));
    }

    /** PyTorch nn.Linear(2D, 2) default: weight and bias ~ U(-1/sqrt(2D), +1/sqrt(2D)); W then b. */
    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(2.0 * d);
        PytorchInit.uniform(params.get(W), bound, rng);
        PytorchInit.uniform(params.get(B), bound, rng);
    }

    @Override public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.recurrent(A, frames - 1); }

    /** The head's weight [2D, 2] (rows 0..D-1 act on current_i, D..2D-1 on s_{i+1}) in a trained graph. */
    public static INDArray headWeights(ComputationGraph cg, String layerName) { return cg.getLayer(layerName).getParam(W); }

    /** The head's bias [1, 2]. */
    public static INDArray headBias(ComputationGraph cg, String layerName) { return cg.getLayer(layerName).getParam(B); }

    /**
     * The same loss in plain double precision. x[b][c][t] in the layer's input layout, w[2D][2], bias[2],
     * labels[b][c][i] (action i = 0..T-2).
     */
    public static double reference(double[][][] x, int d, double[][] w, double[] bias, double[][][] labels, double actionCoeff) {
        int frames = x[0][0].length;
        checkShape(x, d, frames);
        double sum = 0;
        for (int b = 0; b < x.length; b++) {
            double[][] seq = x[b];
            for (int i = 0; i < frames - 1; i++) {       // step i predicts a_{i+1} from (current, s_{i+2})
                for (int c = 0; c < A; c++) {
                    double a = bias[c];
                    for (int j = 0; j < d; j++) a += w[j][c] * seq[j][i] + w[d + j][c] * seq[d + j][i + 1];
                    double err = labels[b][c][i] - a;
                    sum += err * err;
                }
            }
        }
        return actionCoeff * sum / ((double) x.length * (frames - 1) * A);
    }
}
