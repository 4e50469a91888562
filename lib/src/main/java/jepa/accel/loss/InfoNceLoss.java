package jepa.accel.loss;

import jepa.accel.Backend;
import jepa.settings.ConfigError;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * SimCLR's NT-Xent between predictions and encodings, as the reference code (simclr.py::info_nce_simclr, reference §3.2):
 * for each predicted frame t = 2..T, P = s~_t and E = s_t (N x D, optionally L2-normalised rows), F = [P; E],
 * S = F F^T / tau; each row's positive is its partner in the other half, the other 2N-2 non-self entries are
 * negatives (both views); loss_t = mean over the 2N rows of (-S_pos + logsumexp_{j != k} S_kj);
 * total = mean over the T-1 steps. No parameters; the label is a dummy [B,1].
 * Runtime: {@link #instantiate} returns the hand-written {@link InfoNceLossRuntime}; {@code defineLayer} stays the
 * definition it is checked against (InfoNceLossRuntimeTest builds DL4J's stock runtime).
 */
public class InfoNceLoss extends RolloutLossLayer {
    /** Self-similarities get this subtracted before the softmax: exp(...) is exactly 0 in float and double. */
    private static final double SELF_MASK = 1e9;

    @JsonProperty private double temperature;
    @JsonProperty private boolean normalizeZ;

    protected InfoNceLoss() {}   // for JSON

    public InfoNceLoss(int d, double temperature, boolean normalizeZ) { this(d, FRAMES, temperature, normalizeZ); }

    public InfoNceLoss(int d, int frames, double temperature, boolean normalizeZ) {
        super(d, frames);
        if (!(temperature > 0)) throw new ConfigError("simclr temperature (loss_temp) must be > 0, got " + temperature);
        this.temperature = temperature;
        this.normalizeZ = normalizeZ;
    }

    public double temperature() { return temperature; }
    public boolean normalizeZ() { return normalizeZ; }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> params) {
        sd.identity("infonce_input", x);
        SDVariable p = sd.permute(rollout(x, 1, frames), 2, 0, 1);              // [T-1, N, D]
        SDVariable e = sd.permute(encoded(x, 1, frames), 2, 0, 1);              // [T-1, N, D]
        if (normalizeZ) { p = unitRows(sd, p); e = unitRows(sd, e); }
        SDVariable f = sd.concat(1, p, e);                                      // [T-1, 2N, D]
        SDVariable logits = sd.mmul(f, f, false, true, false).div(temperature); // [T-1, 2N, 2N]
        // the batch size is only known at run time: build the 2N x 2N identity from a ones vector
        SDVariable ones = sd.onesLike(f.get(SDIndex.point(0), SDIndex.all(), SDIndex.point(0)));  // [2N]
        SDVariable eye = sd.expandDims(sd.math().diag(ones), 0);                // [1, 2N, 2N]
        SDVariable masked = logits.sub(eye.mul(SELF_MASK));
        SDVariable max = masked.max(true, 2);                                   // stable logsumexp
        SDVariable lse = max.add(sd.math().log(sd.math().exp(masked.sub(max)).sum(true, 2)));  // [T-1, 2N, 1]
        // rows k and k+N share the positive P_k.E_k, so the mean over 2N rows is the mean over N pairs
        SDVariable pos = p.mul(e).sum(true, 2).div(temperature);               // [T-1, N, 1]
        return finish(sd, x, lse.mean(true, 0, 1, 2).sub(pos.mean(true, 0, 1, 2)));
    }

    /** F.normalize(dim=1): x / max(||x||, 1e-12). */
    private static SDVariable unitRows(SameDiff sd, SDVariable v) {
        SDVariable norm = sd.math().sqrt(v.mul(v).sum(true, 2));
        return v.div(sd.scalarMax(norm, 1e-12));
    }

    /** The hand-written {@link InfoNceLossRuntime} instead of DL4J's SameDiff runtime (same wiring, no parameters). */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(org.deeplearning4j.nn.conf.NeuralNetConfiguration conf,
                                                       java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       org.nd4j.linalg.api.buffer.DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        return jepa.accel.LayerRuntimes.wire(new InfoNceLossRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override public String activationsVertexName() { return "infonce_input"; }
    @Override public void defineParameters(SDLayerParams params) { }
    @Override public void initializeParameters(Map<String, INDArray> params) { }
    @Override public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.recurrent(2L * d, frames); }

    /** The same loss in plain double precision; x[b][c][t] in the layer's input layout. */
    public static double reference(double[][][] x, int d, double temperature, boolean normalizeZ) {
        int frames = x[0][0].length;
        checkShape(x, d, frames);
        int n = x.length;
        double total = 0;
        for (int t = 1; t < frames; t++) {
            double[][] f = new double[2 * n][d];
            for (int b = 0; b < n; b++)
                for (int j = 0; j < d; j++) { f[b][j] = x[b][j][t]; f[n + b][j] = x[b][d + j][t]; }
            if (normalizeZ) for (double[] row : f) normalise(row);
            double step = 0;
            for (int k = 0; k < 2 * n; k++) {
                int partner = k < n ? k + n : k - n;
                double[] s = new double[2 * n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 2 * n; j++) {
                    s[j] = dot(f[k], f[j]) / temperature;
                    if (j != k) max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < 2 * n; j++) if (j != k) sum += Math.exp(s[j] - max);
                step += max + Math.log(sum) - s[partner];
            }
            total += step / (2 * n);
        }
        return total / (frames - 1);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void normalise(double[] v) {
        double norm = Math.max(Math.sqrt(dot(v, v)), 1e-12);
        for (int i = 0; i < v.length; i++) v[i] /= norm;
    }
}
