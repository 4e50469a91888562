package jepa.plan;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained one-layer GRU forward model in double precision (PyTorch semantics, gate order r, z, n; the weights of
 * jepa.accel.gru.Gru, or of RSSM's GRUCell): rolls a state out over inputs and back-propagates a cost on the states
 * to the inputs, so a planner can descend on the actions without the graph.
 */
final class GruModel implements LatentDynamics {
    final int hidden, inputs;
    private final double[][] wi, wh;
    private final double[] bi, bh;

    GruModel(Map<String, INDArray> params) {
        this(params.get("Wi0"), params.get("Wh0"), params.get("bi0"), params.get("bh0"));
        if (params.containsKey("Wi1")) throw new IllegalArgumentException("planning needs a one-layer GRU (method.gru-layers = 1)");
    }

    /** From W_i [in, 3D], W_h [D, 3D] and the biases [1, 3D]. */
    GruModel(INDArray wi, INDArray wh, INDArray bi, INDArray bh) {
        this.wi = wi.toDoubleMatrix();
        this.wh = wh.toDoubleMatrix();
        this.bi = bi.toDoubleVector();
        this.bh = bh.toDoubleVector();
        hidden = this.wh.length;
        inputs = this.wi.length;
    }

    @Override public int dim() { return hidden; }

    @Override
    public Rollout rollout(double[] s0, double[][] xs) {
        Step[] steps = steps(s0, xs);
        double[][] states = new double[steps.length][];
        for (int t = 0; t < steps.length; t++) states[t] = steps[t].out();
        return new Rollout(states, dStates -> backward(steps, dStates));
    }

    /** What one step keeps for the backward pass. */
    record Step(double[] h, double[] x, double[] r, double[] u, double[] n, double[] ghn, double[] out) {}

    Step step(double[] h, double[] x) {
        int d = hidden;
        double[] gi = bi.clone(), gh = bh.clone();
        for (int c = 0; c < 3 * d; c++) {
            for (int i = 0; i < x.length; i++) gi[c] += x[i] * wi[i][c];
            for (int i = 0; i < d; i++) gh[c] += h[i] * wh[i][c];
        }
        double[] r = new double[d], u = new double[d], n = new double[d], ghn = new double[d], out = new double[d];
        for (int j = 0; j < d; j++) {
            r[j] = sigmoid(gi[j] + gh[j]);
            u[j] = sigmoid(gi[d + j] + gh[d + j]);
            ghn[j] = gh[2 * d + j];
            n[j] = Math.tanh(gi[2 * d + j] + r[j] * ghn[j]);
            out[j] = (1 - u[j]) * n[j] + u[j] * h[j];
        }
        return new Step(h, x, r, u, n, ghn, out);
    }

    /** Steps from h0 over inputs xs[t]: the states after each input. */
    Step[] steps(double[] h0, double[][] xs) {
        Step[] s = new Step[xs.length];
        double[] h = h0;
        for (int t = 0; t < xs.length; t++) h = (s[t] = step(h, xs[t])).out();
        return s;
    }

    /** dL/dx_t for every step, given dL/dh_t for each state (dOut[t], may be all zero but the last). */
    double[][] backward(Step[] steps, double[][] dOut) {
        double[][] dx = new double[steps.length][];
        double[] dh = new double[hidden];
        for (int t = steps.length - 1; t >= 0; t--) {
            double[] g = new double[hidden];
            for (int j = 0; j < hidden; j++) g[j] = dh[j] + dOut[t][j];
            Grad back = stepBackward(steps[t], g);
            dx[t] = back.dx();
            dh = back.dh();
        }
        return dx;
    }

    /** One step's input and previous-state gradients. */
    record Grad(double[] dx, double[] dh) {}

    /** Back through one step: dL/dx and dL/dh_prev from dL/dh_out = {@code g}. */
    Grad stepBackward(Step s, double[] g) {
        int d = hidden;
        double[] dgi = new double[3 * d], dgh = new double[3 * d], dhPrev = new double[d];
        for (int j = 0; j < d; j++) {
            double dn = g[j] * (1 - s.u()[j]), du = g[j] * (s.h()[j] - s.n()[j]);
            dhPrev[j] = g[j] * s.u()[j];
            double dnPre = dn * (1 - s.n()[j] * s.n()[j]);
            double dr = dnPre * s.ghn()[j];
            double drPre = dr * s.r()[j] * (1 - s.r()[j]), duPre = du * s.u()[j] * (1 - s.u()[j]);
            dgi[j] = drPre; dgi[d + j] = duPre; dgi[2 * d + j] = dnPre;
            dgh[j] = drPre; dgh[d + j] = duPre; dgh[2 * d + j] = dnPre * s.r()[j];
        }
        double[] dx = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double v = 0;
            for (int c = 0; c < 3 * d; c++) v += wi[i][c] * dgi[c];
            dx[i] = v;
        }
        for (int i = 0; i < d; i++) {
            double v = dhPrev[i];
            for (int c = 0; c < 3 * d; c++) v += wh[i][c] * dgh[c];
            dhPrev[i] = v;
        }
        return new Grad(dx, dhPrev);
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
}
