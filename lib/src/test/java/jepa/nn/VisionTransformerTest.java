package jepa.nn;

import jepa.settings.AgentConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ViT's blocks against central finite differences in double (attention, LayerNorm with ε, exact GELU, and the
 * whole encoder), their forward values against the formulas PyTorch uses, and batch independence.
 */
class VisionTransformerTest {
    private static final DataType D = DataType.DOUBLE;

    private static INDArray random(SplittableRandom rng, double scale, long... shape) {
        INDArray a = Nd4j.create(D, shape);
        for (long i = 0; i < a.length(); i++) a.putScalar(i, scale * rng.nextGaussian());
        return a;
    }

    /**
     * Builds {@code block} on the input held as a variable (so it gets a gradient too) and checks ∂loss/∂v of every
     * variable (all elements up to 30 per variable, else 30 random ones) against central differences;
     * loss = Σ out ⊙ w with a fixed random w.
     */
    private static void gradientCheck(INDArray input, java.util.function.BiFunction<SameDiff, SDVariable, SDVariable> block, String what) {
        SplittableRandom rng = new SplittableRandom(3);
        SameDiff sd = SameDiff.create();
        SDVariable out = block.apply(sd, sd.var("in", input.dup()));
        INDArray w = random(rng, 1, out.eval().shape());
        out.mul(sd.constant("w_check", w)).sum().rename("check_loss");
        sd.setLossVariables("check_loss");
        List<String> names = new ArrayList<>();
        for (SDVariable v : sd.variables()) if (v.getVariableType() == VariableType.VARIABLE) names.add(v.name());
        Map<String, INDArray> ph = Map.of();
        Map<String, INDArray> grads = sd.calculateGradients(ph, names);
        double eps = 1e-6, worst = 0;
        int checked = 0;
        for (String n : names) {
            INDArray p = sd.getVariable(n).getArr(), g = grads.get(n);
            for (int k = 0; k < Math.min(30, p.length()); k++) {
                long i = p.length() <= 30 ? k : rng.nextLong(p.length());
                double orig = p.getDouble(i);
                p.putScalar(i, orig + eps);
                double up = sd.output(ph, "check_loss").get("check_loss").getDouble(0);
                p.putScalar(i, orig - eps);
                double down = sd.output(ph, "check_loss").get("check_loss").getDouble(0);
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * eps), analytic = g.getDouble(i);
                double err = Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic));
                worst = Math.max(worst, err);
                assertEquals(numeric, analytic, 1e-7 + 1e-5 * Math.abs(numeric), what + ": " + n + "[" + i + "]");
                checked++;
            }
        }
        System.out.printf("%s: %d gradients checked over %d variables (with the input), max relative error %.2e%n", what, checked, names.size(), worst);
    }

    @Test
    void layerNormMatchesPytorchsFormulaAndGradient() {
        SplittableRandom rng = new SplittableRandom(1);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", D, -1, 3, 5);
        INDArray g = random(rng, 1, 5).addi(1), b = random(rng, 0.5, 5);
        SDVariable out = VisionTransformer.layerNorm(sd, in, sd.var("g", g), sd.var("b", b));
        // rows with a small variance, where ε matters
        INDArray x = random(rng, 1e-3, 2, 3, 5);
        INDArray y = out.eval(Map.of("in", x));
        for (int i = 0; i < 2; i++)
            for (int t = 0; t < 3; t++) {
                double m = 0, v = 0;
                for (int k = 0; k < 5; k++) m += x.getDouble(i, t, k) / 5;
                for (int k = 0; k < 5; k++) v += Math.pow(x.getDouble(i, t, k) - m, 2) / 5;
                for (int k = 0; k < 5; k++)
                    assertEquals((x.getDouble(i, t, k) - m) / Math.sqrt(v + 1e-5) * g.getDouble(k) + b.getDouble(k), y.getDouble(i, t, k), 1e-12);
            }
        gradientCheck(random(rng, 1, 2, 3, 5), (g2, x2) -> VisionTransformer.layerNorm(g2, x2, g2.var("g", g), g2.var("b", b)), "LayerNorm (eps 1e-5)");
    }

    @Test
    void geluIsExactAndItsGradientRight() {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", D, -1, 4);
        SDVariable out = VisionTransformer.gelu(sd, in);
        INDArray x = Nd4j.create(new double[][]{{-3, -1, 0.5, 1}}).castTo(D);
        INDArray y = out.eval(Map.of("in", x));
        // x·Φ(x) (PyTorch's nn.GELU(), approximate='none')
        double[] expected = {-0.0040496, -0.15865525, 0.34573123, 0.84134475};
        for (int i = 0; i < 4; i++) assertEquals(expected[i], y.getDouble(0, i), 1e-7);
        gradientCheck(random(new SplittableRandom(2), 1.5, 3, 4), VisionTransformer::gelu, "GELU (erf)");
    }

    @Test
    void attentionMatchesItsDefinitionAndGradient() {
        SplittableRandom rng = new SplittableRandom(4);
        int h = 2, dh = 3, d = h * dh, t = 4;
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", D, -1, t, d);
        INDArray wq = random(rng, 0.5, h, dh, d), wk = random(rng, 0.5, h, dh, d), wv = random(rng, 0.5, h, dh, d), wo = random(rng, 0.5, h * dh, d);
        SDVariable out = VisionTransformer.attention(sd, in, sd.var("Wq", wq), sd.var("Wk", wk), sd.var("Wv", wv), sd.var("Wo", wo));
        INDArray x = random(rng, 1, 2, t, d);
        INDArray y = out.eval(Map.of("in", x));
        // softmax(q·kᵀ/√dh)·v per head, heads concatenated, then ·Wo: q = x·Wq[h]ᵀ
        for (int b = 0; b < 2; b++) {
            INDArray xb = x.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray concat = Nd4j.create(D, t, h * dh);
            for (int head = 0; head < h; head++) {
                INDArray q = xb.mmul(wq.get(NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all()).transpose());
                INDArray k = xb.mmul(wk.get(NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all()).transpose());
                INDArray v = xb.mmul(wv.get(NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all()).transpose());
                INDArray scores = q.mmul(k.transpose()).divi(Math.sqrt(dh));
                for (int i = 0; i < t; i++) {
                    INDArray row = scores.getRow(i);
                    row.subi(row.maxNumber());
                    org.nd4j.linalg.ops.transforms.Transforms.exp(row, false);
                    row.divi(row.sumNumber());
                }
                concat.put(new org.nd4j.linalg.indexing.INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.interval(head * dh, (head + 1) * dh)},
                        scores.mmul(v));
            }
            INDArray expected = concat.mmul(wo);
            for (int i = 0; i < t; i++)
                for (int j = 0; j < d; j++) assertEquals(expected.getDouble(i, j), y.getDouble(b, i, j), 1e-10, "attention[" + b + "," + i + "," + j + "]");
        }
        gradientCheck(x, (g2, x2) -> VisionTransformer.attention(g2, x2, g2.var("Wq", wq), g2.var("Wk", wk), g2.var("Wv", wv), g2.var("Wo", wo)),
                "multi-head attention");
    }

    private static VisionTransformer tiny() {
        return new VisionTransformer(new AgentConfig("raw", 8, 4, 2, 2, 12, 8, 0.99, 0.5), 1, 8, 8);
    }

    @Test
    void wholeEncoderGradientAndBatchIndependence() {
        VisionTransformer vit = tiny();
        assertEquals(1 + 3 * 4, vit.tokens());
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", D, -1, 3, 8, 8);
        SDVariable s = vit.build(sd, in, "", 5, D);
        List<String> declared = vit.variables("");
        for (String n : declared) assertTrue(sd.hasVariable(n), n);
        long vars = sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).count();
        assertEquals(declared.size(), vars, "variables(prefix) lists every variable");
        INDArray x = Nd4j.rand(D, 3, 3, 8, 8);
        INDArray all = s.eval(Map.of("in", x));
        assertEquals(List.of(3L, 8L), List.of(all.size(0), all.size(1)));
        for (int i = 0; i < 3; i++) {
            INDArray one = s.eval(Map.of("in", x.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())));
            for (int j = 0; j < 8; j++) assertEquals(all.getDouble(i, j), one.getDouble(0, j), 1e-12, "a sample's output does not depend on its batch");
        }
        // every parameter gets a gradient, checked against finite differences (incl. the frames: the patch cut)
        gradientCheck(Nd4j.rand(D, 2, 3, 8, 8), (g2, x2) -> vit.build(g2, x2, "", 5, D), "whole ViT");
    }

    @Test
    void initialisationIsAPureFunctionOfTheSeed() {
        VisionTransformer vit = tiny();
        SameDiff a = SameDiff.create(), b = SameDiff.create(), c = SameDiff.create();
        vit.build(a, a.placeHolder("in", D, -1, 3, 8, 8), "", 9, D);
        vit.build(b, b.placeHolder("in", D, -1, 3, 8, 8), "", 9, D);
        vit.build(c, c.placeHolder("in", D, -1, 3, 8, 8), "", 10, D);
        double[] pa = new SameDiffParams(a, vit.variables("")).read(), pb = new SameDiffParams(b, vit.variables("")).read(),
                pc = new SameDiffParams(c, vit.variables("")).read();
        assertTrue(java.util.Arrays.equals(pa, pb));
        assertTrue(!java.util.Arrays.equals(pa, pc));
    }
}
