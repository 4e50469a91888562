package jepa.plan;

import jepa.method.JepaNetwork;
import jepa.method.Rssm;
import jepa.world.Normalization;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Optional;

/**
 * A trained network as the world model: the encoder maps the start and goal frames to s_start and s_goal (inference-mode
 * BatchNorm), the latent dynamics roll s_start out over the (normalised) actions — a JEPA's GRU, or an RSSM's belief
 * ({@link RssmBelief}, whose first belief is the encoding) — and the energy is ‖ŝ_T − s_goal‖²/D at the last step, or
 * averaged over all steps ({@code summed}). Rollouts and gradients run in double on the trained weights.
 */
public final class JepaWorldModel implements WorldModel {
    private final JepaNetwork net;
    private final Normalization norm;
    private final LatentDynamics dynamics;
    private final boolean summed;

    /** A JEPA's: its GRU rolls out. */
    public JepaWorldModel(JepaNetwork net, Normalization norm, boolean summed) {
        this(net, new GruModel(net.graph().getVertex(JepaNetwork.ROLLOUT).paramTable(false)), norm, summed);
    }

    public JepaWorldModel(JepaNetwork net, LatentDynamics dynamics, Normalization norm, boolean summed) {
        this.net = net;
        this.norm = norm;
        this.dynamics = dynamics;
        this.summed = summed;
    }

    /**
     * The network's world model, or empty when it has no forward model driven by the actions alone to plan through:
     * a one-layer GRU on the actions (a JEPA), or an RSSM's belief model.
     */
    public static Optional<JepaWorldModel> of(JepaNetwork net, Normalization norm, boolean summed) {
        Map<String, INDArray> p = net.graph().getVertex(JepaNetwork.ROLLOUT).paramTable(false);
        if (p != null && p.containsKey("Wi0") && !p.containsKey("Wi1") && p.get("Wi0").size(0) == JepaNetwork.ACTION_DIM)
            return Optional.of(new JepaWorldModel(net, norm, summed));
        GraphVertex rssm = net.graph().getVertex(Rssm.RSSM);
        if (rssm != null && RssmBelief.matches(rssm.paramTable(false)))
            return Optional.of(new JepaWorldModel(net, new RssmBelief(rssm.paramTable(false)), norm, summed));
        return Optional.empty();
    }

    /** Encodings [2][D] of an episode's start and goal frames. */
    double[][] encode(Episode e) {
        int pixels = 28 * 28, c = norm.channels();
        float[] f = norm.normalizeFrames(e.frames(), pixels);                      // [2][C][784] image-major
        INDArray x = Nd4j.create(DataType.FLOAT, 2, (long) c * pixels, 1);
        for (int i = 0; i < 2; i++) for (int k = 0; k < c * pixels; k++) x.putScalar(new long[]{i, k, 0}, f[i * c * pixels + k]);
        INDArray enc = net.encode(x);                                                // [2, D, 1]
        double[][] s = new double[2][dynamics.dim()];
        for (int i = 0; i < 2; i++) for (int j = 0; j < dynamics.dim(); j++) s[i][j] = enc.getDouble(i, j, 0);
        return s;
    }

    @Override
    public Objective toGoal(Episode e, int horizon, double maxStep) {
        double[][] s = encode(e);
        return toGoal(s[0], s[1], horizon, maxStep);
    }

    /** The objective of reaching the encoding {@code goal} from the encoding {@code start}. */
    Objective toGoal(double[] start, double[] goal, int horizon, double maxStep) {
        int d = dynamics.dim();
        return new Objective() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }

            public double[] costs(double[][][] plans) {
                double[] c = new double[plans.length];
                for (int i = 0; i < plans.length; i++) c[i] = cost(dynamics.rollout(start, inputs(plans[i])).states());
                return c;
            }

            @Override
            public double costAndGradient(double[][] plan, double[][] grad) {
                LatentDynamics.Rollout rollout = dynamics.rollout(start, inputs(plan));
                double[][] states = rollout.states();
                double[][] dOut = new double[states.length][d];
                for (int t = 0; t < states.length; t++) {
                    if (!summed && t < states.length - 1) continue;
                    double w = summed ? 2.0 / (d * states.length) : 2.0 / d;
                    for (int j = 0; j < d; j++) dOut[t][j] = w * (states[t][j] - goal[j]);
                }
                double[][] dx = rollout.inputGradient(dOut);
                for (int t = 0; t < plan.length; t++) for (int ch = 0; ch < 2; ch++) grad[t][ch] = norm.normalizeAction(dx[t][ch]);
                return cost(states);
            }

            private double cost(double[][] states) {
                double total = 0;
                for (int t = summed ? 0 : states.length - 1; t < states.length; t++) {
                    double s2 = 0;
                    for (int j = 0; j < d; j++) s2 += Math.pow(states[t][j] - goal[j], 2);
                    total += s2 / d;
                }
                return summed ? total / states.length : total;
            }
        };
    }

    /** The states the model predicts for a plan: s_start, then one per action ([horizon + 1][D]). */
    public double[][] predictedStates(Episode e, double[][] plan) {
        double[] start = encode(e)[0];
        double[][] states = dynamics.rollout(start, inputs(plan)).states();
        double[][] out = new double[states.length + 1][];
        out[0] = start;
        System.arraycopy(states, 0, out, 1, states.length);
        return out;
    }

    /** The states after each action of {@code plan} (px), rolled out from the state {@code s} ([plan.length][D]). */
    double[][] rollout(double[] s, double[][] plan) { return dynamics.rollout(s, inputs(plan)).states(); }

    Normalization normalization() { return norm; }

    /** The normalised actions as the dynamics' inputs. */
    private double[][] inputs(double[][] plan) {
        double[][] x = new double[plan.length][JepaNetwork.ACTION_DIM];
        for (int t = 0; t < plan.length; t++) for (int c = 0; c < JepaNetwork.ACTION_DIM; c++) x[t][c] = norm.normalizeAction(plan[t][c]);
        return x;
    }
}
