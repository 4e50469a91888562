package jepa.method;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each term of {@link RemedyLoss} against a direct loop formula, gradients against finite differences, and SIGReg's statistic. */
class RemedyLossTest {
    static final int B = 5, D = 4, T = 17;

    @BeforeAll
    static void doublePrecision() { Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); }

    static RemedyTerms terms(String reg, double sim, double std, double cov, double sig, int expander, double temporal, double idm, double aux) {
        return new RemedyTerms(sim, std, cov, true, reg, sig, 7, 3, expander, temporal, 0.5, idm, aux);
    }

    static MultiDataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, 2 * D, T).muli(0.8);
        return LossGraphs.batch(x, Nd4j.randn(DataType.DOUBLE, B, RemedyLoss.LABELS, T));
    }

    @Test
    void eachTermEqualsItsLoopFormula() {
        MultiDataSet m = batch(1);
        double[][][] x = LossGraphs.toArray3(m.getFeatures(0)), y = LossGraphs.toArray3(m.getLabels(0));
        double pred = pred(x), hinge = hinge(enc(x, 1)), off = offDiagonal(enc(x, 1)), temporal = temporal(x);
        RemedyTerms[] cases = {terms("vicreg", 2, 0, 0, 0, 0, 0, 0, 0), terms("vicreg", 0, 3, 0, 0, 0, 0, 0, 0),
                terms("vicreg", 0, 0, 5, 0, 0, 0, 0, 0), terms("vicreg", 0, 0, 0, 0, 0, 7, 0, 0)};
        double[] want = {2 * pred, 3 * hinge, 5 * off, 7 * temporal};
        for (int i = 0; i < cases.length; i++) {
            ComputationGraph cg = LossGraphs.direct(new RemedyLoss(D, T, cases[i]), D, T, DataType.DOUBLE);
            assertEquals(want[i], LossGraphs.loss(cg, m), 1e-10 * Math.max(1, want[i]), "case " + i);
        }
        // the heads: a linear map on pairs, MSE against the labels' channels
        ComputationGraph idm = LossGraphs.direct(new RemedyLoss(D, T, terms("vicreg", 0, 0, 0, 0, 0, 0, 1.5, 0)), D, T, DataType.DOUBLE);
        assertEquals(1.5 * head(x, y, idm.getLayer("loss").getParam("iW").toDoubleMatrix(), idm.getLayer("loss").getParam("ib").toDoubleVector(), true),
                LossGraphs.loss(idm, m), 1e-10);
        ComputationGraph aux = LossGraphs.direct(new RemedyLoss(D, T, terms("vicreg", 0, 0, 0, 0, 0, 0, 0, 2.5)), D, T, DataType.DOUBLE);
        assertEquals(2.5 * head(x, y, aux.getLayer("loss").getParam("aW").toDoubleMatrix(), aux.getLayer("loss").getParam("ab").toDoubleVector(), false),
                LossGraphs.loss(aux, m), 1e-10);
        // SIGReg: the statistic of each frame's encodings (frames 2..17), averaged
        ComputationGraph sig = LossGraphs.direct(new RemedyLoss(D, T, terms("sigreg", 0, 0, 0, 0.5, 0, 0, 0, 0)), D, T, DataType.DOUBLE);
        double[][] dirs = RemedyLoss.directions(D, 7, 3);
        double s = 0;
        for (int f = 1; f < T; f++) s += RemedyLoss.sigregReference(frame(x, f), dirs);
        assertEquals(0.5 * s / (T - 1), LossGraphs.loss(sig, m), 1e-9);
    }

    @Test
    void theExpanderCarriesVarianceAndCovarianceAndTheHingeStaysOnS() {
        MultiDataSet m = batch(2);
        ComputationGraph cg = LossGraphs.direct(new RemedyLoss(D, T, terms("vicreg", 0, 3, 5, 0, 6, 0, 0, 0)), D, T, DataType.DOUBLE);
        double[][][] x = LossGraphs.toArray3(m.getFeatures(0));
        var l = cg.getLayer("loss");
        double[][] w1 = l.getParam("eW1").toDoubleMatrix(), w2 = l.getParam("eW2").toDoubleMatrix();
        double[] b1 = l.getParam("eb1").toDoubleVector(), b2 = l.getParam("eb2").toDoubleVector();
        double[][][] v = new double[B][6][T - 1];
        for (int b = 0; b < B; b++)
            for (int f = 1; f < T; f++) {
                double[] h = new double[6];
                for (int e = 0; e < 6; e++) {
                    h[e] = b1[e];
                    for (int j = 0; j < D; j++) h[e] += x[b][D + j][f] * w1[j][e];
                    h[e] = Math.max(0, h[e]);
                }
                for (int e = 0; e < 6; e++) {
                    double o = b2[e];
                    for (int q = 0; q < 6; q++) o += h[q] * w2[q][e];
                    v[b][e][f - 1] = o;
                }
            }
        double want = 3 * (hinge(v) + hinge(enc(x, 1))) + 5 * offDiagonal(v);
        assertEquals(want, LossGraphs.loss(cg, m), 1e-10 * want);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        MultiDataSet m = batch(3);
        for (RemedyTerms t : new RemedyTerms[]{terms("vicreg", 2, 3, 1, 0, 5, 4, 1.5, 0.7), terms("sigreg", 2, 0, 0, 0.8, 0, 4, 1.5, 0)}) {
            ComputationGraph cg = LossGraphs.withDense(new RemedyLoss(D, T, t), D, T, DataType.DOUBLE, new NoOp(), true);
            assertTrue(LossGraphs.gradientsOk(cg, m), t.toString());
        }
    }

    @Test
    void sigregStatisticMatchesAHandComputedCaseAndVanishesOnGaussians() {
        // two samples at ±1 on one axis: φ̂(t) = cos t, so the statistic is 2 ∫ (cos t − e^{−t²/2})² e^{−t²/2} dt
        // = 2 [√(2π)(1 + e^{−2})/2 − 2√π e^{−1/4} + √(2π/3)] (Gaussian integrals; the quadrature's tails are < 1e-5)
        double exact = 2 * (Math.sqrt(2 * Math.PI) * (1 + Math.exp(-2)) / 2 - 2 * Math.sqrt(Math.PI) * Math.exp(-0.25) + Math.sqrt(2 * Math.PI / 3));
        double got = RemedyLoss.sigregReference(new double[][]{{1}, {-1}}, new double[][]{{1}});
        assertEquals(exact, got, 1e-4 * exact);
        Random r = new Random(5);
        double[][] gauss = new double[4000][8], scaled = new double[4000][8];
        for (int b = 0; b < gauss.length; b++)
            for (int k = 0; k < 8; k++) {
                gauss[b][k] = r.nextGaussian();
                scaled[b][k] = 0.3 * gauss[b][k];
            }
        double[][] dirs = RemedyLoss.directions(8, 16, 1);
        double onGauss = RemedyLoss.sigregReference(gauss, dirs), onNarrow = RemedyLoss.sigregReference(scaled, dirs);
        // under N(0, I), E[N·|φ̂ − φ|²] = 1 − e^{−t²}: N·statistic ≈ ∫ (1 − e^{−t²}) e^{−t²/2} dt = √(2π) − √(2π/3) ≈ 1.06
        assertTrue(onGauss / gauss.length < 1e-3, "the distance itself is near zero on N(0, I) samples: " + onGauss / gauss.length);
        assertTrue(onGauss > 0.3 && onGauss < 3, "N·statistic is O(1) on N(0, I) samples: " + onGauss);
        assertTrue(onNarrow > 100 * onGauss, "a collapsed batch is far from N(0, I): " + onNarrow + " vs " + onGauss);
    }

    @Test
    void auxiliaryTargetIsWhereTheFrameChanged() {
        INDArray frames = Nd4j.zeros(DataType.FLOAT, 1, 784, T), actions = Nd4j.zeros(DataType.FLOAT, 1, 2, T - 1);
        frames.putScalar(new int[]{0, 10 * 28 + 20, 3}, 1f);          // a pixel at (x 20, y 10) appears at t = 3
        INDArray l = RemedyJepa.labels(frames, actions);
        assertEquals(20 / 27.0 - 0.5, l.getDouble(0, 2, 3), 1e-6);
        assertEquals(10 / 27.0 - 0.5, l.getDouble(0, 3, 3), 1e-6);
        assertEquals(20 / 27.0 - 0.5, l.getDouble(0, 2, 4), 1e-6, "and disappears at t = 4");
        assertEquals(0.0, l.getDouble(0, 2, 5), 0, "nothing changed");
    }

    @Test
    void everyVariantTrainsAndSurvivesACheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (MethodType type : RemedyJepa.TYPES) {
            jepa.config.JepaConfig cfg = jepa.config.JepaConfig.load(null, java.util.List.of("method.name=" + type.name(),
                    "method.width=1", "method.embedding=8", "method." + type.name() + ".sim-coeff=25"));
            NetworkMethod m = Methods.network(cfg.method());
            JepaNetwork net = m.build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
            Nd4j.getRandom().setSeed(4);
            jepa.data.Batch b = new jepa.data.Batch(Nd4j.rand(DataType.FLOAT, 4, 784, T), Nd4j.rand(DataType.FLOAT, 4, 2, T - 1),
                    Nd4j.rand(DataType.FLOAT, 4, 2, T));
            net.graph().fit(m.dataSet(b));
            assertTrue(Double.isFinite(net.graph().score()), type.name());
            java.nio.file.Path zip = dir.resolve(type.name() + ".zip");
            org.deeplearning4j.util.ModelSerializer.writeModel(net.graph(), zip.toFile(), true);
            RemedyLoss back = (RemedyLoss) jepa.train.Checkpoints.restore(zip, true).getLayer(JepaNetwork.LOSS).conf().getLayer();
            assertEquals(((RemedyJepa) m).terms(), back.terms(), "every term survives JSON: " + type.name());
        }
    }

    // ---- direct loop formulas, x[b][c][t] with c < D the rollout and c ≥ D the encodings ----

    static double pred(double[][][] x) {
        double s = 0;
        for (double[][] q : x) for (int j = 0; j < D; j++) for (int t = 1; t < T; t++) s += Math.pow(q[j][t] - q[D + j][t], 2);
        return s / (B * D * (T - 1.0));
    }

    /** Encodings of frames from..T−1 as [B][D][F]. */
    static double[][][] enc(double[][][] x, int from) {
        double[][][] e = new double[B][D][T - from];
        for (int b = 0; b < B; b++) for (int j = 0; j < D; j++) for (int t = from; t < T; t++) e[b][j][t - from] = x[b][D + j][t];
        return e;
    }

    static double[][] frame(double[][][] x, int t) {
        double[][] z = new double[B][D];
        for (int b = 0; b < B; b++) for (int j = 0; j < D; j++) z[b][j] = x[b][D + j][t];
        return z;
    }

    static double hinge(double[][][] z) {
        int k = z[0].length, f = z[0][0].length;
        double s = 0;
        for (int j = 0; j < k; j++)
            for (int t = 0; t < f; t++) {
                double mean = 0, var = 0;
                for (double[][] q : z) mean += q[j][t] / z.length;
                for (double[][] q : z) var += Math.pow(q[j][t] - mean, 2) / (z.length - 1);
                s += Math.max(0, 1 - Math.sqrt(var + RemedyLoss.STD_EPS));
            }
        return s / (k * f);
    }

    static double offDiagonal(double[][][] z) {
        int k = z[0].length, f = z[0][0].length;
        double s = 0;
        for (int t = 0; t < f; t++) {
            double[] mean = new double[k];
            for (double[][] q : z) for (int j = 0; j < k; j++) mean[j] += q[j][t] / z.length;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) {
                    if (i == j) continue;
                    double c = 0;
                    for (double[][] q : z) c += (q[i][t] - mean[i]) * (q[j][t] - mean[j]) / (z.length - 1);
                    s += c * c / k;
                }
        }
        return s / f;
    }

    static double temporal(double[][][] x) {
        double s = 0;
        for (double[][] q : x)
            for (int j = 0; j < D; j++) {
                double mean = 0, var = 0;
                for (int t = 0; t < T; t++) mean += q[D + j][t] / T;
                for (int t = 0; t < T; t++) var += Math.pow(q[D + j][t] - mean, 2) / (T - 1);
                s += Math.max(0, 0.5 - Math.sqrt(var + RemedyLoss.STD_EPS));
            }
        return s / (B * D);
    }

    /** idm: [current_t, s_{t+1}] → labels 0–1 at t; aux: [s_{t−1}, s_t] → labels 2–3 at t (t = 1..16). */
    static double head(double[][][] x, double[][][] y, double[][] w, double[] bias, boolean idm) {
        double s = 0;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < T - 1; i++)
                for (int c = 0; c < 2; c++) {
                    double o = bias[c];
                    for (int j = 0; j < D; j++)
                        o += w[j][c] * (idm ? x[b][j][i] : x[b][D + j][i]) + w[D + j][c] * x[b][D + j][i + 1];
                    double target = idm ? y[b][c][i] : y[b][2 + c][i + 1];
                    s += Math.pow(o - target, 2);
                }
        return s / (B * 2.0 * (T - 1));
    }
}
