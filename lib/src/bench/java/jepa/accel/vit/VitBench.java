package jepa.accel.vit;

import jepa.nn.SameDiffParams;
import jepa.nn.VisionTransformer;
import jepa.optim.Adam;
import jepa.settings.AgentConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test (no assertions): seed 003's ViT training step (forward, loss mean ‖s − y‖², backward, Adam) at the
 * default agent size, batch 128, in the project's runtime ({@link VitRuntime}), as the SameDiff graph, and in PyTorch
 * ({@code bench/torch_vit_step.py}, run as a subprocess), alternating in rounds so that a shared machine's load hits
 * all three alike; prints each round and the medians and ratios over rounds.
 * {@code mvn -q -pl lib test -Dtest=VitBench -Dtest.omp.threads=1 -Dvit.bench.rounds=5 -Dvit.bench.python=/usr/bin/python3}
 */
class VitBench {
    private static final int BATCH = 128, FRAME = 64;
    private static final AgentConfig CONFIG = new AgentConfig("standardised", 64, 16, 2, 4, 128, 64, 0.99, 0.5);

    @Test
    void vitStep() throws Exception {
        int rounds = Integer.getInteger("vit.bench.rounds", 3);
        String python = System.getProperty("vit.bench.python", "python3");
        VisionTransformer vit = new VisionTransformer(CONFIG, 1, FRAME, FRAME);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3, FRAME, FRAME), y = sd.placeHolder("y", DataType.FLOAT, -1, 64);
        SDVariable d = vit.build(sd, x, "", 1, DataType.FLOAT).sub(y);
        d.mul(d).sum(1).mean().rename("loss");
        sd.setLossVariables("loss");
        SameDiffParams params = new SameDiffParams(sd, vit.variables(""));
        double[] theta = params.read(), thetaJ = theta.clone();
        SplittableRandom rng = new SplittableRandom(1);
        float[] xs = new float[BATCH * 3 * FRAME * FRAME];
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextFloat();
        double[] ys = new double[BATCH * 64];
        for (int i = 0; i < ys.length; i++) ys[i] = rng.nextGaussian();
        Map<String, INDArray> ph = Map.of("x", Nd4j.create(xs, new long[]{BATCH, 3, FRAME, FRAME}, 'c'),
                "y", Nd4j.create(ys, new long[]{BATCH, 64}, DataType.DOUBLE).castTo(DataType.FLOAT));
        Adam adam = new Adam(theta.length, 1e-5), adamJ = new Adam(theta.length, 1e-5);
        VitRuntime rt = new VitRuntime(CONFIG, 1, FRAME, FRAME);
        rt.setParams(thetaJ);
        Runnable java = () -> {
            double[] s = rt.forward(xs, BATCH), ds = new double[s.length];
            for (int i = 0; i < s.length; i++) ds[i] = 2 * (s[i] - ys[i]) / BATCH;
            adamJ.step(thetaJ, rt.backward(ds), 1, 2.5e-4);
            rt.setParams(thetaJ);
        };
        Runnable graph = () -> {
            adam.step(theta, params.flatten(sd.calculateGradients(ph, params.names())), 1, 2.5e-4);
            params.write(theta);
        };
        for (int i = 0; i < 15; i++) java.run();             // the JIT compiles the runtime's loops
        for (int i = 0; i < 3; i++) graph.run();
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double j = median(java, 15), g = median(graph, 5), t = torch(python);
            rows.add(new double[]{j, g, t});
            System.out.printf("vit bench round %d: java %.4f s, samediff %.4f s, torch %.4f s; java/torch %.2f, samediff/torch %.2f%n", r + 1, j, g, t, j / t, g / t);
        }
        double[] j = rows.stream().mapToDouble(a -> a[0]).toArray(), g = rows.stream().mapToDouble(a -> a[1]).toArray(),
                t = rows.stream().mapToDouble(a -> a[2]).toArray(), rj = rows.stream().mapToDouble(a -> a[0] / a[2]).toArray(),
                rg = rows.stream().mapToDouble(a -> a[1] / a[2]).toArray();
        System.out.printf("vit bench medians over %d rounds (batch %d, %d thread(s)): java %.4f s = %.0f samples/s, samediff %.4f s = %.0f samples/s, "
                        + "torch %.4f s = %.0f samples/s; java/torch %.2f (rounds %s), samediff/torch %.2f (rounds %s)%n", rounds, BATCH,
                Nd4j.getEnvironment().maxThreads(), med(j), BATCH / med(j), med(g), BATCH / med(g), med(t), BATCH / med(t), med(rj), fmt(rj), med(rg), fmt(rg));
    }

    private static double torch(String python) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, "../bench/torch_vit_step.py", String.valueOf(BATCH), "1", "20").redirectErrorStream(true).start();
        double step = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String l; (l = r.readLine()) != null; )
                if (l.startsWith("RESULT")) step = Double.parseDouble(l.split(" ")[7]);
        }
        p.waitFor();
        return step;
    }

    private static double median(Runnable step, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return med(t);
    }

    private static double med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) b.append(b.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.2f", x));
        return b.toString();
    }
}
