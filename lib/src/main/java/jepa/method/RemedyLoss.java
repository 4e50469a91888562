package jepa.method;

import jepa.accel.TorchInitialisable;
import jepa.accel.loss.LossScale;
import jepa.accel.loss.RolloutLossLayer;
import jepa.accel.loss.VicregLoss;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The loss of a JEPA with remedies for slow features ({@link RemedyTerms}), as a SameDiffOutputLayer on the JEPA
 * graph's x = [B, 2D, T] (rollout, encodings). Labels [B, 4, T]: the normalised actions in channels 0–1 (steps
 * 0..T−2) and the auxiliary target (where the frame changed) in channels 2–3 (steps 1..T−1). Activations = x.
 * Terms (each a mean over what it covers):
 * <ul>
 * <li>pred: sim · mean (s̃_t − s_t)², t = 2..T, as VICReg's;</li>
 * <li>vicreg: std · hinge(z) + cov · offdiag(z) over the frames (2..T with skip-first-step-vc) with z = v, the
 *     expander's output, or s; with an expander also std · hinge(s);</li>
 * <li>sigreg: sigreg · N · mean over frames and slices of ∫ |φ̂(t) − e^{−t²/2}|² e^{−t²/2} dt, φ̂ the empirical
 *     characteristic function of the batch projected on a unit direction (Epps–Pulley; 17 knots on [−5, 5],
 *     trapezoid), then std · hinge(s) is not added;</li>
 * <li>temporal: mean_{b,j} ReLU(γ − std_t s_{b,j,t}) over each sequence's 17 encodings;</li>
 * <li>idm: MSE of a linear head on [current_t, s_{t+1}] against a_t (current = s_1, then s̃_t), as IDM's;</li>
 * <li>aux: MSE of a linear head on [s_{t−1}, s_t] against the auxiliary target.</li>
 * </ul>
 */
public class RemedyLoss extends RolloutLossLayer implements TorchInitialisable {
    public static final int LABELS = 4, KNOTS = 17;
    public static final double T_MAX = 5.0, STD_EPS = VicregLoss.STD_EPS;
    static final String W1 = "eW1", B1 = "eb1", W2 = "eW2", B2 = "eb2", WI = "iW", BI = "ib", WA = "aW", BA = "ab";

    @JsonProperty private double simCoeff, stdCoeff, covCoeff, sigregCoeff, temporalCoeff, temporalTarget, idmCoeff, auxCoeff;
    @JsonProperty private boolean skipFirstStepVc, sigreg;
    @JsonProperty private int expanderDim, sigregSlices;
    @JsonProperty private long sigregSeed;

    protected RemedyLoss() {}   // for JSON

    public RemedyLoss(int d, int frames, RemedyTerms t) {
        super(d, frames);
        simCoeff = t.simCoeff(); stdCoeff = t.stdCoeff(); covCoeff = t.covCoeff(); skipFirstStepVc = t.skipFirstStepVc();
        sigreg = t.regulariser().equals(RemedyTerms.SIGREG); sigregCoeff = t.sigregCoeff(); sigregSlices = t.sigregSlices();
        sigregSeed = t.sigregSeed(); expanderDim = t.expanderDim(); temporalCoeff = t.temporalCoeff();
        temporalTarget = t.temporalTarget(); idmCoeff = t.idmCoeff(); auxCoeff = t.auxCoeff();
    }

    public RemedyTerms terms() {
        return new RemedyTerms(simCoeff, stdCoeff, covCoeff, skipFirstStepVc, sigreg ? RemedyTerms.SIGREG : RemedyTerms.VICREG,
                sigregCoeff, sigregSlices, sigregSeed, expanderDim, temporalCoeff, temporalTarget, idmCoeff, auxCoeff);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, SDVariable labels, Map<String, SDVariable> p) {
        int t = frames, first = skipFirstStepVc ? 1 : 0, nf = t - first;
        SDVariable n = LossScale.batchCount(sd, x);                                                    // [1] = B
        SDVariable nm1 = n.sub(1.0);
        SDVariable l = sd.math().square(rollout(x, 1, t).sub(encoded(x, 1, t))).mean(true, 0, 1, 2).mul(simCoeff);
        SDVariable s = encoded(x, first, t);                                                           // [B, D, F]
        SDVariable z = expanderDim > 0 ? expand(sd, s, p, nf) : s;
        if (sigreg) {
            l = l.add(sigreg(sd, z, n, nf).mul(sigregCoeff));
        } else {
            l = l.add(hinge(sd, z, nm1).mul(stdCoeff)).add(offDiagonal(sd, z, nm1, expanderDim > 0 ? expanderDim : d, nf).mul(covCoeff));
            if (expanderDim > 0) l = l.add(hinge(sd, s, nm1).mul(stdCoeff));
        }
        if (temporalCoeff > 0) {
            SDVariable all = encoded(x, 0, t);                                                        // [B, D, T]
            SDVariable c = all.sub(all.mean(true, 2));
            SDVariable std = sd.math().sqrt(sd.math().square(c).sum(true, 2).div(t - 1.0).add(STD_EPS)); // [B, D, 1]
            l = l.add(sd.nn().relu(std.rsub(temporalTarget), 0.0).mean(true, 0, 1, 2).mul(temporalCoeff));
        }
        if (idmCoeff > 0)
            l = l.add(head(sd, sd.concat(1, rollout(x, 0, t - 1), encoded(x, 1, t)), p.get(WI), p.get(BI), labels, 0, 0).mul(idmCoeff));
        if (auxCoeff > 0)
            l = l.add(head(sd, sd.concat(1, encoded(x, 0, t - 1), encoded(x, 1, t)), p.get(WA), p.get(BA), labels, 2, 1).mul(auxCoeff));
        return finish(sd, x, l);
    }

    /** v = W2·ReLU(W1·s + b1) + b2 per frame: [B, D, F] → [B, E, F]. */
    private SDVariable expand(SameDiff sd, SDVariable s, Map<String, SDVariable> p, int nf) {
        SDVariable rows = sd.permute(s, 0, 2, 1).reshape(-1, d);                                       // [B·F, D]
        SDVariable h = sd.nn().relu(rows.mmul(p.get(W1)).add(p.get(B1)), 0.0);
        SDVariable v = h.mmul(p.get(W2)).add(p.get(B2));                                               // [B·F, E]
        return sd.permute(v.reshape(-1, nf, expanderDim), 0, 2, 1);
    }

    /** mean_{j,f} ReLU(1 − √(Var_b z + ε)), unbiased variance over the batch: [1,1,1]. */
    private static SDVariable hinge(SameDiff sd, SDVariable z, SDVariable nm1) {
        SDVariable c = z.sub(z.mean(true, 0));
        SDVariable std = sd.math().sqrt(sd.math().square(c).sum(true, 0).div(nm1).add(STD_EPS));
        return sd.nn().relu(std.rsub(1.0), 0.0).mean(true, 0, 1, 2);
    }

    /** Σ_{i≠j} Cov_ij² / K per frame, averaged over the frames: [1,1,1]. */
    private static SDVariable offDiagonal(SameDiff sd, SDVariable z, SDVariable nm1, int k, int nf) {
        SDVariable c = z.sub(z.mean(true, 0));
        SDVariable cp = sd.permute(c, 2, 0, 1);                                                        // [F, B, K]
        SDVariable cov = sd.mmul(cp, cp, true, false, false).div(nm1);                                 // [F, K, K]
        INDArray off = Nd4j.ones(z.dataType(), 1, k, k).subi(Nd4j.eye(k).castTo(z.dataType()).reshape(1, k, k));
        return sd.math().square(cov.mul(sd.constant(off))).sum(true, 0, 1, 2).div((double) k * nf);
    }

    /** The SIGReg statistic of z [B, K, F]: N · mean over frames and slices of the weighted CF distance: [1,1,1]. */
    private SDVariable sigreg(SameDiff sd, SDVariable z, SDVariable n, int nf) {
        int k = expanderDim > 0 ? expanderDim : d;
        SDVariable a = sd.constant(Nd4j.create(directions(k, sigregSlices, sigregSeed)).castTo(z.dataType()));   // [K, M]
        SDVariable proj = sd.permute(z, 2, 0, 1).reshape(-1, k).mmul(a);                              // [F·B, M]
        SDVariable pr = proj.reshape(nf, -1, sigregSlices, 1);                                         // [F, B, M, 1]
        double[][] kw = knots();
        SDVariable knots = sd.constant(Nd4j.create(kw[0]).reshape(1, 1, 1, KNOTS).castTo(z.dataType()));
        SDVariable weights = sd.constant(Nd4j.create(kw[1]).reshape(1, 1, 1, KNOTS).castTo(z.dataType()));
        SDVariable gauss = sd.constant(Nd4j.create(kw[2]).reshape(1, 1, 1, KNOTS).castTo(z.dataType()));
        SDVariable arg = pr.mul(knots);                                                                // [F, B, M, 17]
        SDVariable re = sd.math().cos(arg).mean(true, 1).sub(gauss), im = sd.math().sin(arg).mean(true, 1);
        SDVariable dist = sd.math().square(re).add(sd.math().square(im)).mul(weights).sum(true, 3);   // [F, 1, M, 1]
        return dist.mean(true, 0, 1, 2, 3).reshape(1, 1, 1).mul(n);
    }

    /** A linear head [2D → 2] on pairs [B, 2D, T−1], its MSE against labels[:, from:from+2, at:at+T−1]: [1,1,1]. */
    private SDVariable head(SameDiff sd, SDVariable pairs, SDVariable w, SDVariable b, SDVariable labels, int from, int at) {
        int steps = frames - 1;
        SDVariable out = sd.permute(sd.permute(pairs, 0, 2, 1).reshape(-1, 2L * d).mmul(w).add(b).reshape(-1, steps, 2), 0, 2, 1);
        SDVariable target = labels.get(SDIndex.all(), SDIndex.interval(from, from + 2), SDIndex.interval(at, at + steps));
        return sd.math().square(out.sub(target)).mean(true, 0, 1, 2);
    }

    @Override public String activationsVertexName() { return "input"; }

    @Override public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.recurrent(2L * d, frames); }

    @Override
    public void defineParameters(SDLayerParams params) {
        if (expanderDim > 0) {
            params.addWeightParam(W1, d, expanderDim);
            params.addBiasParam(B1, 1, expanderDim);
            params.addWeightParam(W2, expanderDim, expanderDim);
            params.addBiasParam(B2, 1, expanderDim);
        }
        if (idmCoeff > 0) {
            params.addWeightParam(WI, 2L * d, 2);
            params.addBiasParam(BI, 1, 2);
        }
        if (auxCoeff > 0) {
            params.addWeightParam(WA, 2L * d, 2);
            params.addBiasParam(BA, 1, 2);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        torchInit(params, new SplittableRandom(Nd4j.getRandom().nextLong()));
    }

    /** PyTorch nn.Linear defaults, weight then bias of each linear map: U(±1/√fan_in). */
    @Override
    public void torchInit(Map<String, INDArray> params, SplittableRandom rng) {
        for (String[] wb : new String[][]{{W1, B1}, {W2, B2}, {WI, BI}, {WA, BA}}) {
            INDArray w = params.get(wb[0]);
            if (w == null) continue;
            double bound = 1 / Math.sqrt(w.size(0));
            TorchInitialisable.uniform(w, bound, rng);
            TorchInitialisable.uniform(params.get(wb[1]), bound, rng);
        }
    }

    @Override public boolean labelsRequired() { return true; }

    /** M unit directions in R^K, columns of [K, M], drawn from the seed (the same every step and run of a config). */
    public static double[][] directions(int k, int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] a = new double[k][m];
        for (int j = 0; j < m; j++) {
            double norm = 0;
            for (int i = 0; i < k; i++) {
                double u1 = r.nextDouble(), u2 = r.nextDouble();
                a[i][j] = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
                norm += a[i][j] * a[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < k; i++) a[i][j] /= norm;
        }
        return a;
    }

    /** The quadrature: knots t_k on [−5, 5], trapezoid weights × e^{−t²/2}, and e^{−t²/2} (the N(0,1) CF). */
    public static double[][] knots() {
        double[] t = new double[KNOTS], w = new double[KNOTS], g = new double[KNOTS];
        double h = 2 * T_MAX / (KNOTS - 1);
        for (int i = 0; i < KNOTS; i++) {
            t[i] = -T_MAX + i * h;
            g[i] = Math.exp(-t[i] * t[i] / 2);
            w[i] = (i == 0 || i == KNOTS - 1 ? h / 2 : h) * g[i];
        }
        return new double[][]{t, w, g};
    }

    /** The SIGReg statistic of one frame's batch z[b][k] in plain double precision (tests). */
    public static double sigregReference(double[][] z, double[][] directions) {
        int n = z.length, k = z[0].length, m = directions[0].length;
        double[][] q = knots();
        double total = 0;
        for (int j = 0; j < m; j++) {
            double[] proj = new double[n];
            for (int b = 0; b < n; b++) for (int i = 0; i < k; i++) proj[b] += z[b][i] * directions[i][j];
            for (int s = 0; s < KNOTS; s++) {
                double re = 0, im = 0;
                for (double v : proj) {
                    re += Math.cos(q[0][s] * v);
                    im += Math.sin(q[0][s] * v);
                }
                re = re / n - q[2][s];
                im /= n;
                total += (re * re + im * im) * q[1][s];
            }
        }
        return n * total / m;
    }
}
