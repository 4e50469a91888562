package jepa.plan;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained one-layer GRU forward model in double precision (PyTorch semantics, gate order r, z, n; the weights of
 * jepa.accel.gru.Gru): rolls a state out over inputs and back-propagates a cost on the states to the inputs, so a
 * planner can descend on the actions without the graph.
 */
final class GruModel {
    final int hidden, inputs;
    private final double[][] wi, wh;
    private final double[] bi, bh;

    GruModel(Map<String, INDArray> params) {
        if (params.containsKey("Wi1")) throw new IllegalArgumentException("planning needs a one-layer GRU (method.gru-layers = 1)");
        wi = params.get("Wi0").toDoubleMatrix();
        wh = params.get("Wh0").toDoubleMatrix();
        bi = params.get("bi0").toDoubleVector();
        bh = params.get("bh0").toDoubleVector();
        hidden = wh.length;
        inputs = wi.length;
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
    Step[] rollout(double[] h0, double[][] xs) {
        Step[] s = new Step[xs.length];
        double[] h = h0;
        for (int t = 0; t < xs.length; t++) h = (s[t] = step(h, xs[t])).out();
        return s;
    }

    /** dL/dx_t for every step, given dL/dh_t for each state (dOut[t], may be all zero but the last). */
    double[][] backward(Step[] steps, double[][] dOut) {
        int d = hidden;
        double[][] dx = new double[steps.length][inputs];
        double[] dh = new double[d];
        for (int t = steps.length - 1; t >= 0; t--) {
            Step s = steps[t];
            double[] g = new double[d];
            for (int j = 0; j < d; j++) g[j] = dh[j] + dOut[t][j];
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
            for (int i = 0; i < inputs; i++) {
                double v = 0;
                for (int c = 0; c < 3 * d; c++) v += wi[i][c] * dgi[c];
                dx[t][i] = v;
            }
            for (int i = 0; i < d; i++) {
                double v = dhPrev[i];
                for (int c = 0; c < 3 * d; c++) v += wh[i][c] * dgh[c];
                dh[i] = v;
            }
        }
        return dx;
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
}
