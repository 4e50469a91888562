package jepa.accel.vit;

import jepa.nn.SameDiffParams;
import jepa.nn.VisionTransformer;
import jepa.settings.AgentConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java runtime computes the gradient-checked SameDiff graph ({@link VisionTransformer}, in double): the same s and
 * the same parameter gradient of Σ s⊙w, to float precision, for grey and RGB frames, one and three blocks.
 */
class VitRuntimeTest {

    private static void compare(AgentConfig cfg, int channels, int size, int batch) {
        VisionTransformer vit = new VisionTransformer(cfg, channels, size, size);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.DOUBLE, -1, 3 * channels, size, size);
        SDVariable s = vit.build(sd, in, "", 7, DataType.DOUBLE);
        SDVariable wv = sd.placeHolder("w", DataType.DOUBLE, -1, cfg.embedding());
        s.mul(wv).sum().rename("loss");
        sd.setLossVariables("loss");
        SameDiffParams params = new SameDiffParams(sd, vit.variables(""));
        VitRuntime rt = new VitRuntime(cfg, channels, size, size);
        assertEquals(params.size(), rt.size(), "same parameters");
        rt.setParams(params.read());

        SplittableRandom rng = new SplittableRandom(11);
        float[] x = new float[batch * rt.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        double[] w = new double[batch * cfg.embedding()];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
        INDArray xa = Nd4j.create(x, new long[]{batch, 3 * channels, size, size}, 'c').castTo(DataType.DOUBLE);
        Map<String, INDArray> ph = Map.of("x", xa, "w", Nd4j.create(w, new long[]{batch, cfg.embedding()}, DataType.DOUBLE));
        double[] expected = sd.output(ph, s.name()).get(s.name()).dup('c').data().asDouble();
        double[] actual = rt.forward(x, batch);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 2e-5 + 2e-5 * Math.abs(expected[i]), "s[" + i + "]");

        double[] g = params.flatten(sd.calculateGradients(ph, params.names()));
        double[] ga = rt.backward(w);
        double scale = 0;
        for (double v : g) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            worst = Math.max(worst, Math.abs(g[i] - ga[i]) / scale);
            assertEquals(g[i], ga[i], 1e-4 * scale + 1e-4 * Math.abs(g[i]), "gradient[" + i + "]");
        }
        System.out.printf("Java ViT vs SameDiff (C=%d, %d blocks, batch %d): max |Δ gradient| / max |gradient| = %.2e%n", channels, cfg.depth(), batch, worst);
    }

    @Test
    void greyTwoBlocks() { compare(new AgentConfig("raw", 8, 8, 2, 2, 12, 8, 0.99, 0.5), 1, 16, 3); }

    @Test
    void rgbOneBlockAndThree() {
        compare(new AgentConfig("raw", 8, 4, 1, 2, 16, 8, 0.99, 0.5), 3, 8, 2);
        compare(new AgentConfig("raw", 12, 8, 3, 3, 12, 8, 0.99, 0.5), 1, 16, 4);
    }

    @Test
    void erfAndGelu() {
        double[][] table = {{0, 0}, {0.5, 0.5204998778}, {1, 0.8427007929}, {-2, -0.9953222650}, {3.5, 0.9999992569}};
        for (double[] r : table) assertEquals(r[1], VitRuntime.erf(r[0]), 2e-7, "erf(" + r[0] + ")");
        assertEquals(0.84134475, VitRuntime.gelu(1f), 1e-6);
        double e = 1e-3;
        for (float x : new float[]{-2.5f, -0.3f, 0.7f, 1.9f})
            assertEquals((VitRuntime.gelu(x + (float) e) - VitRuntime.gelu(x - (float) e)) / (2 * e), VitRuntime.geluGrad(x), 2e-3);
    }
}
