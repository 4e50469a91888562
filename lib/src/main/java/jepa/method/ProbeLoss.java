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
 * The probe loss (reference §5.2, and the Supervised loss reference §3.5): one linear map q: R^D -> R^{2 dots} WITHOUT
 * bias, shared over the T = 17 steps, applied to the rollout x[:, 0:D, t]; loss = mean over t and dots of the
 * batch-mean squared Euclidean error (summed over x, y) against the normalised dot locations. It
 * back-propagates into everything below it (the supervised baseline); freeze the layers below for a pure probe.
 *
 * Labels: normalised locations as [B, 2 dots, T] (DL4J's recurrent layout), channel d*2 + c = coordinate c
 * (0 = x, 1 = y) of dot d. The layer's activations (cg.output) are the predicted locations in the same layout.
 */
public class ProbeLoss extends RolloutLossLayer implements TorchInitialisable {
    public static final String W = "W";

    @JsonProperty private int dots = 1;

    protected ProbeLoss() {}   // for JSON

    public ProbeLoss(int d, int dots) { this(d, FRAMES, dots); }

    public ProbeLoss(int d, int frames, int dots) {
        super(d, frames);
        if (dots < 1) throw new ConfigError("probe dots must be >= 1, got " + dots);
        this.dots = dots;
    }

    public int dots() { return dots; }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> params) {
        SDVariable rows = sd.permute(rollout(x, 0, frames), 0, 2, 1).reshape(-1, d);            // [B T, D]
        SDVariable flat = rows.mmul(params.get(W));                                           // [B T, 2 dots]
        SDVariable pred = sd.permute(flat.reshape(-1, frames, 2L * dots), 0, 2, 1);           // [B, 2 dots, T]
        sd.identity("probe_locations", pred);
        // mean over all B*2dots*T entries, times 2 = sum over (x, y), mean over batch, T and dots
        return finish(sd, x, sd.math().square(pred.sub(labels)).mean(true, 0, 1, 2).mul(2.0));
    }

    @Override public String activationsVertexName() { return "probe_locations"; }

    @Override public void defineParameters(SDLayerParams params) { params.addWeightParam(W, d, 2L * dots); }

    /** DL4J's own init call: the PyTorch rule below, drawn from ND4J's RNG (so cg.init() alone is seeded too). */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        torchInit(params, new SplittableRandom(Nd4j.getRandom().nextLong()));
    }

    /** PyTorch nn.Linear(D, 2 dots, bias=False) default: U(-1/sqrt(D), +1/sqrt(D)). */
    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        PytorchInit.uniform(params.get(W), 1.0 / Math.sqrt(d), rng);
    }

    @Override public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.recurrent(2L * dots, frames); }

    /** The probe matrix [D, 2 dots] (column d*2 + c = coordinate c of dot d) of a graph's ProbeLoss layer: a live view. */
    public static INDArray probeWeights(ComputationGraph cg, String layerName) { return cg.getLayer(layerName).getParam(W); }

    /** The same loss in plain double precision. x[b][c][t] in the layer's input layout, w[D][2 dots], labels[b][d*2+c][t]. */
    public static double reference(double[][][] x, int d, double[][] w, double[][][] labels) {
        int frames = x[0][0].length;
        checkShape(x, d, frames);
        int outs = w[0].length;
        double sum = 0;
        for (int b = 0; b < x.length; b++)
            for (int t = 0; t < frames; t++)
                for (int o = 0; o < outs; o++) {
                    double q = 0;
                    for (int j = 0; j < d; j++) q += x[b][j][t] * w[j][o];
                    double err = q - labels[b][o][t];
                    sum += err * err;
                }
        return sum / ((double) x.length * frames * (outs / 2));
    }
}
