package jepa.plan;

import jepa.method.RssmVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained RSSM's belief model ({@link RssmVertex}) as latent dynamics for planning: from the belief h (h_1 = the
 * start frame's encoding) each action a steps h' = GRUCell(ReLU(W_r[z, a] + b_r), h) with z the prior's mean
 * ReLU(W_pm h + b_pm). The mean rather than a sample keeps a plan's rollout deterministic, so the planners compare
 * plans, not noise; the posterior needs frames, which a plan does not have.
 */
public final class RssmBelief implements LatentDynamics {
    private final int d, actions;
    private final double[][] rw, pmw;
    private final double[] rb, pmb;
    private final GruModel gru;

    public RssmBelief(Map<String, INDArray> p) {
        rw = p.get("rW").toDoubleMatrix();
        rb = p.get("rb").toDoubleVector();
        pmw = p.get("pmW").toDoubleMatrix();
        pmb = p.get("pmb").toDoubleVector();
        gru = new GruModel(p.get("gWi"), p.get("gWh"), p.get("gbi"), p.get("gbh"));
        d = gru.hidden;
        actions = rw.length - d;
    }

    /** Whether a graph vertex's parameters are an RSSM's (its GRUCell and prior heads). */
    public static boolean matches(Map<String, INDArray> p) {
        return p != null && p.containsKey("gWi") && p.containsKey("pmW") && p.containsKey("rW");
    }

    @Override public int dim() { return d; }

    /** One step's activations. */
    private record Step(double[] zPre, double[] xPre, GruModel.Step gru) {}

    private Step step(double[] h, double[] a) {
        double[] zPre = Dense.apply(h, pmw, pmb), z = Dense.relu(zPre);
        double[] xPre = Dense.apply(z, rw, rb);
        for (int i = 0; i < actions; i++) for (int c = 0; c < d; c++) xPre[c] += a[i] * rw[d + i][c];
        return new Step(zPre, xPre, gru.step(h, Dense.relu(xPre)));
    }

    @Override
    public Rollout rollout(double[] s0, double[][] xs) {
        Step[] steps = new Step[xs.length];
        double[][] states = new double[xs.length][];
        double[] h = s0;
        for (int t = 0; t < xs.length; t++) h = states[t] = (steps[t] = step(h, xs[t])).gru().out();
        return new Rollout(states, dStates -> backward(steps, dStates));
    }

    private double[][] backward(Step[] steps, double[][] dStates) {
        double[][] da = new double[steps.length][actions];
        double[] dh = new double[d];
        for (int t = steps.length - 1; t >= 0; t--) {
            Step s = steps[t];
            double[] g = new double[d];
            for (int j = 0; j < d; j++) g[j] = dh[j] + dStates[t][j];
            GruModel.Grad back = gru.stepBackward(s.gru(), g);
            double[] dxPre = new double[d];
            for (int c = 0; c < d; c++) dxPre[c] = s.xPre()[c] > 0 ? back.dx()[c] : 0;
            for (int i = 0; i < actions; i++) da[t][i] = Dense.dot(rw[d + i], dxPre);
            // the prior mean z depends on h as well: its path adds to the GRU's own dL/dh
            double[] dzPre = new double[d];
            for (int j = 0; j < d; j++) dzPre[j] = s.zPre()[j] > 0 ? Dense.dot(rw[j], dxPre) : 0;
            dh = back.dh();
            for (int i = 0; i < d; i++) dh[i] += Dense.dot(pmw[i], dzPre);
        }
        return da;
    }
}
