package jepa.plan;

import jepa.method.JepaNetwork;
import jepa.world.Normalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained JEPA as the world model: the encoder maps the start and goal frames to s_start and s_goal (inference-mode
 * BatchNorm), the GRU rolls s_start out over the (normalised) actions, and the energy is ‖ŝ_T − s_goal‖²/D at the last
 * step, or averaged over all steps ({@code summed}). Rollouts and gradients run in double on the GRU's weights.
 */
public final class JepaWorldModel implements WorldModel {
    private final JepaNetwork net;
    private final Normalization norm;
    private final GruModel gru;
    private final boolean summed;

    public JepaWorldModel(JepaNetwork net, Normalization norm, boolean summed) {
        this.net = net;
        this.norm = norm;
        this.gru = new GruModel(net.graph().getVertex(JepaNetwork.ROLLOUT).paramTable(false));
        this.summed = summed;
    }

    /** Whether the network's forward model is a one-layer GRU driven by the actions alone (what the planner rolls out). */
    public static boolean plannable(JepaNetwork net) {
        java.util.Map<String, INDArray> p = net.graph().getVertex(JepaNetwork.ROLLOUT).paramTable(false);
        return p != null && p.containsKey("Wi0") && !p.containsKey("Wi1") && p.get("Wi0").size(0) == 2;
    }

    /** Encodings [2][D] of an episode's start and goal frames. */
    double[][] encode(Episode e) {
        int pixels = 28 * 28, c = norm.channels();
        float[] f = norm.normalizeFrames(e.frames(), pixels);                      // [2][C][784] image-major
        INDArray x = Nd4j.create(DataType.FLOAT, 2, (long) c * pixels, 1);
        for (int i = 0; i < 2; i++) for (int k = 0; k < c * pixels; k++) x.putScalar(new long[]{i, k, 0}, f[i * c * pixels + k]);
        INDArray enc = net.encode(x);                                                // [2, D, 1]
        double[][] s = new double[2][gru.hidden];
        for (int i = 0; i < 2; i++) for (int j = 0; j < gru.hidden; j++) s[i][j] = enc.getDouble(i, j, 0);
        return s;
    }

    @Override
    public Objective toGoal(Episode e, int horizon, double maxStep) {
        double[][] s = encode(e);
        return toGoal(s[0], s[1], horizon, maxStep);
    }

    /** The objective of reaching the encoding {@code goal} from the encoding {@code start}. */
    Objective toGoal(double[] start, double[] goal, int horizon, double maxStep) {
        int d = gru.hidden;
        return new Objective() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }

            public double[] costs(double[][][] plans) {
                double[] c = new double[plans.length];
                for (int i = 0; i < plans.length; i++) c[i] = cost(gru.rollout(start, inputs(plans[i])));
                return c;
            }

            @Override
            public double costAndGradient(double[][] plan, double[][] grad) {
                GruModel.Step[] steps = gru.rollout(start, inputs(plan));
                double[][] dOut = new double[steps.length][d];
                for (int t = 0; t < steps.length; t++) {
                    if (!summed && t < steps.length - 1) continue;
                    double w = summed ? 2.0 / (d * steps.length) : 2.0 / d;
                    for (int j = 0; j < d; j++) dOut[t][j] = w * (steps[t].out()[j] - goal[j]);
                }
                double[][] dx = gru.backward(steps, dOut);
                for (int t = 0; t < plan.length; t++) for (int ch = 0; ch < 2; ch++) grad[t][ch] = norm.normalizeAction(dx[t][ch]);
                return cost(steps);
            }

            private double cost(GruModel.Step[] steps) {
                double total = 0;
                for (int t = summed ? 0 : steps.length - 1; t < steps.length; t++) {
                    double s2 = 0;
                    for (int j = 0; j < d; j++) s2 += Math.pow(steps[t].out()[j] - goal[j], 2);
                    total += s2 / d;
                }
                return summed ? total / steps.length : total;
            }
        };
    }

    /** The states the model predicts for a plan: s_start, then one per action ([horizon + 1][D]). */
    public double[][] predictedStates(Episode e, double[][] plan) {
        double[] start = encode(e)[0];
        GruModel.Step[] steps = gru.rollout(start, inputs(plan));
        double[][] out = new double[steps.length + 1][];
        out[0] = start;
        for (int t = 0; t < steps.length; t++) out[t + 1] = steps[t].out();
        return out;
    }

    /** The states after each action of {@code plan} (px), rolled out from the state {@code s} ([plan.length][D]). */
    double[][] rollout(double[] s, double[][] plan) {
        GruModel.Step[] steps = gru.rollout(s, inputs(plan));
        double[][] out = new double[steps.length][];
        for (int t = 0; t < steps.length; t++) out[t] = steps[t].out();
        return out;
    }

    Normalization normalization() { return norm; }

    /** The normalised actions as the GRU's inputs. */
    private double[][] inputs(double[][] plan) {
        double[][] x = new double[plan.length][gru.inputs];
        for (int t = 0; t < plan.length; t++) for (int c = 0; c < 2; c++) x[t][c] = norm.normalizeAction(plan[t][c]);
        return x;
    }
}
