package jepa.accel.conv;

import jepa.accel.NativeThreads;
import jepa.nn.PytorchInit;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link NativeConv2d} against the im2col formulation in double (libnd4j's im2col / col2im and double gemms):
 * pre-activation with bias, ReLU, weight, bias and input gradients (ReLU's gradient from the activation) for MeNet5's
 * three geometries and odd ones (padding wider than a kernel's reach, non-square images, a batch that is not a
 * multiple of the kernels' row tiles, many positions per image: the forward's planes form), the same results
 * on 1 and 3 threads, and the library present wherever the CPU can run it.
 */
class NativeConv2dTest {

    /** Runs the tests below only where the kernels run (they are built and loaded on linux-x86_64 with AVX2 + FMA). */
    private static boolean here() { return jepa.accel.NativeLibrary.available(); }

    /** Where the build compiles the kernels (linux-x86_64 with gcc, see lib/pom.xml), they load on a CPU with AVX2 + FMA. */
    @Test
    void loadsWhereBuiltAndSupported() throws Exception {
        boolean linuxX86 = "Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"));
        if (!linuxX86 || !Files.exists(Path.of("/usr/bin/gcc"))) return;
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        boolean avx2 = flags.contains(" avx2") && flags.contains(" fma");
        assertEquals(avx2, jepa.accel.NativeLibrary.available(), "the library must be built into the classes and load on this CPU");
    }

    private record Case(int mb, int c, int h, int w, int oc, int k, int s, int p) {}

    @Test
    void matchesIm2colInDouble() {
        if (!here()) return;
        Case[] cases = {
                new Case(5, 1, 28, 28, 32, 5, 2, 2),      // MeNet5's first convolution (K = 25, not a multiple of 16; planes)
                new Case(4, 32, 14, 14, 64, 5, 2, 2),     // second
                new Case(7, 64, 7, 7, 64, 3, 1, 1),       // third
                new Case(3, 3, 9, 6, 16, 3, 2, 4),        // padding past the kernel's reach, non-square
                new Case(2, 2, 5, 5, 48, 1, 1, 0),        // 1×1
                new Case(2, 2, 12, 12, 16, 9, 1, 4),      // a kernel wider than 8: patches by the offset table
                new Case(2, 2, 4, 4, 16, 3, 2, 9),        // padding wider than the input gradient's slack
                new Case(3, 2, 24, 21, 48, 3, 1, 1)};     // 504 positions: planes, 16 channels to a tile, a partial one
        for (Case t : cases) {
            int oh = (t.h + 2 * t.p - t.k) / t.s + 1, ow = (t.w + 2 * t.p - t.k) / t.s + 1, kk = t.c * t.k * t.k;
            long n = (long) t.mb * oh * ow;
            Nd4j.getRandom().setSeed(21);
            INDArray x = Nd4j.randn(DataType.FLOAT, t.mb, t.c, t.h, t.w), wt = Nd4j.randn(DataType.FLOAT, t.oc, t.c, t.k, t.k);
            INDArray bias = Nd4j.randn(DataType.FLOAT, 1, t.oc);
            // the backward kernels' activation: random signs, as ReLU's gradient only asks act > 0
            INDArray act = Nd4j.randn(DataType.FLOAT, t.mb, t.oc, oh, ow), eps = Nd4j.randn(DataType.FLOAT, t.mb, t.oc, oh, ow);
            NativeConv2d.Geometry g = new NativeConv2d.Geometry(t.mb, t.c, t.h, t.w, t.oc, t.k, t.k, t.s, t.s, t.p, t.p, oh, ow);

            INDArray cols = Nd4j.create(DataType.DOUBLE, t.mb, (long) oh * ow, kk);
            Conv2dRuntime.patches(x.castTo(DataType.DOUBLE), cols, t.k, t.k, t.s, t.s, t.p, t.p, oh, ow);
            INDArray cols2d = cols.reshape('c', n, kk), w2d = wt.castTo(DataType.DOUBLE).reshape('c', t.oc, kk);
            INDArray preRef = w2d.mmul(cols2d.transpose()).addiColumnVector(bias.castTo(DataType.DOUBLE).reshape(t.oc, 1))   // [oC, n]
                    .reshape('c', t.oc, t.mb, (long) oh * ow).permute(1, 0, 2).dup('c').reshape('c', t.mb, t.oc, oh, ow);
            INDArray actRef = Transforms.max(preRef, 0.0, true);
            INDArray delta = act.gt(0).castTo(DataType.DOUBLE).muli(eps.castTo(DataType.DOUBLE));                             // NCHW
            INDArray d = delta.permute(1, 0, 2, 3).dup('c').reshape('c', t.oc, n);
            INDArray dwRef = d.mmul(cols2d).reshape('c', t.oc, t.c, t.k, t.k), dbRef = d.sum(1);
            INDArray dxRef = Nd4j.create(DataType.DOUBLE, t.mb, t.c, t.h, t.w);
            Conv2dRuntime.col2im(d.transpose().mmul(w2d).dup('c'), dxRef, t.k, t.k, t.s, t.s, t.p, t.p, oh, ow);

            INDArray[] z = new INDArray[2], y = new INDArray[2], dw = new INDArray[2], dx = new INDArray[2];
            double[][] db = new double[2][t.oc];
            int before = NativeThreads.get();
            try {
                for (int i = 0; i < 2; i++) {
                    NativeThreads.set(i == 0 ? 1 : 3);
                    z[i] = Nd4j.create(DataType.FLOAT, t.mb, t.oc, oh, ow);
                    y[i] = Nd4j.create(DataType.FLOAT, t.mb, t.oc, oh, ow);
                    NativeConv2d.forward(x, wt, bias, z[i], y[i], g);
                    dw[i] = Nd4j.create(DataType.FLOAT, t.oc, t.c, t.k, t.k);
                    NativeConv2d.weightGradient(x, act, eps, dw[i], db[i], g);
                    dx[i] = Nd4j.create(DataType.FLOAT, t.mb, t.c, t.h, t.w);
                    NativeConv2d.inputGradient(act, eps, wt, dx[i], g);
                }
            } finally {
                NativeThreads.set(before);
            }
            String at = t.toString();
            assertClose(preRef, z[0], "pre-activation " + at);
            assertClose(actRef, y[0], "activation " + at);
            assertClose(dwRef, dw[0], "weight gradient " + at);
            assertClose(dbRef, Nd4j.createFromArray(db[0]), "bias gradient " + at);
            assertClose(dxRef, dx[0], "input gradient " + at);
            assertEquals(z[0], z[1], "pre-activation on 1 and 3 threads " + at);
            assertEquals(y[0], y[1], "activation on 1 and 3 threads " + at);
            assertEquals(dw[0], dw[1], "weight gradient on 1 and 3 threads " + at);
            assertArrayEquals(db[0], db[1], 0.0, "bias gradient on 1 and 3 threads " + at);
            assertEquals(dx[0], dx[1], "input gradient on 1 and 3 threads " + at);
        }
    }

    /**
     * Inside a network (MeNet5's layer pattern, float, 16 channels), with and without the forward cache and with a
     * first layer that skips its input gradient: the same activations, score, gradients and parameters after SGD
     * steps as the im2col path (compute.backend = java), to float rounding.
     */
    @Test
    void networkMatchesTheIm2colPath() {
        if (!here()) return;
        for (CacheMode cache : new CacheMode[]{CacheMode.NONE, CacheMode.DEVICE}) {
            ComputationGraph fast = network(cache), slow = network(cache);
            Nd4j.getRandom().setSeed(5);
            MultiDataSet m = new MultiDataSet(Nd4j.randn(DataType.FLOAT, 6, 2, 12, 12), Nd4j.randn(DataType.FLOAT, 6, 3));
            INDArray[] a = new INDArray[2];
            double[] score = new double[2];
            INDArray[] grad = new INDArray[2];
            ComputationGraph[] nets = {fast, slow};
            for (int i = 0; i < 2; i++) {
                if (i == 1) jepa.accel.Backend.use("java");
                try {
                    a[i] = nets[i].feedForward(new INDArray[]{m.getFeatures(0)}, true).get("c2");
                    nets[i].setInputs(m.getFeatures());
                    nets[i].setLabels(m.getLabels());
                    nets[i].computeGradientAndScore();
                    score[i] = nets[i].score();
                    grad[i] = nets[i].gradient().gradient().dup();
                    for (int step = 0; step < 3; step++) nets[i].fit(m);
                } finally {
                    jepa.accel.Backend.use("auto");
                }
            }
            assertTrue(a[0].equalsWithEps(a[1], 1e-5), "activations, " + cache);
            assertEquals(score[1], score[0], 1e-5 * Math.abs(score[1]), "score, " + cache);
            assertTrue(grad[1].norm2Number().doubleValue() > 1e-3, "non-trivial gradient");
            assertTrue(grad[0].sub(grad[1]).norm2Number().doubleValue() < 1e-5 * grad[1].norm2Number().doubleValue(), "gradients, " + cache);
            assertTrue(fast.params().equalsWithEps(slow.params(), 1e-5), "parameters after 3 steps, " + cache);
        }
    }

    private static ComputationGraph network(CacheMode cache) {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new Sgd(0.05)).cacheMode(cache).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(12, 12, 2))
                .addLayer("c1", new Conv2d(new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(2, 2).nOut(16).activation(Activation.RELU), false), "x")
                .addLayer("bn", new BatchNormalization.Builder().build(), "c1")
                .addLayer("c2", new Conv2d(new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(32).activation(Activation.RELU)), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build(), "c2")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        PytorchInit.apply(cg, 11);
        return cg;
    }

    /**
     * ReLU as Java's Math.max(v, 0): NaN passes, −0 becomes +0; ReLU's gradient is 0 where act is NaN or ≤ 0. On 4
     * positions (the row form) and 132 (the planes form, a partial tile).
     */
    @Test
    void reluEdgesAsTheJavaPath() {
        if (!here()) return;
        float[] values = {Float.NaN, -0f, -2f, 3f};
        for (int n : new int[]{4, 132}) {
            NativeConv2d.Geometry g = new NativeConv2d.Geometry(1, 1, 1, n, 16, 1, 1, 1, 1, 0, 0, 1, n);
            float[] in = new float[n], want = new float[n];
            for (int j = 0; j < n; j++) {
                in[j] = values[j % 4];
                want[j] = in[j] == 3f ? 16f : 0f;
            }
            INDArray x = Nd4j.createFromArray(in).reshape(1, 1, 1, n);
            INDArray wt = Nd4j.ones(DataType.FLOAT, 16, 1, 1, 1), pre = Nd4j.create(DataType.FLOAT, 1, 16, 1, n), act = pre.ulike();
            NativeConv2d.forward(x, wt, null, pre, act, g);
            for (int o = 0; o < 16; o++)
                for (int j = 0; j < n; j++) {
                    float v = pre.getFloat(0, o, 0, j);
                    assertEquals(in[j], v, 0f, "pre-activation at " + j + " of " + n);
                    assertEquals(Float.floatToIntBits(Math.max(v, 0f)), Float.floatToIntBits(act.getFloat(0, o, 0, j)), "ReLU of " + v);
                }
            INDArray eps = Nd4j.ones(DataType.FLOAT, 1, 16, 1, n), dx = Nd4j.create(DataType.FLOAT, 1, 1, 1, n);
            NativeConv2d.inputGradient(act, eps, wt, dx, g);
            assertEquals(Nd4j.createFromArray(want).reshape(1, 1, 1, n), dx, "gradient only where act > 0, " + n + " positions");
        }
    }

    /** Within float rounding of a sum of kk products: max error below 1e-5 of the largest value. */
    private static void assertClose(INDArray want, INDArray got, String what) {
        double scale = want.amaxNumber().doubleValue(), err = want.sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(scale > 0.5, what + ": non-trivial values");
        assertTrue(err < 1e-5 * scale, what + ": max error " + err + " of " + scale);
    }

    @Test
    void switchedOffByTheSystemProperty() {
        if (!here()) return;
        jepa.accel.Backend.use("java");
        try {
            assertFalse(NativeConv2d.applies(Nd4j.create(DataType.FLOAT, 16, 1, 3, 3)));
        } finally {
            jepa.accel.Backend.use("auto");
        }
        assertTrue(NativeConv2d.applies(Nd4j.create(DataType.FLOAT, 16, 1, 3, 3)));
        assertFalse(NativeConv2d.applies(Nd4j.create(DataType.FLOAT, 12, 1, 3, 3)), "output channels not a multiple of 16");
        assertFalse(NativeConv2d.applies(Nd4j.create(DataType.DOUBLE, 16, 1, 3, 3)), "double");
    }

    @Test
    void wrongShapesAreRejectedBeforeAnythingRuns() {
        if (!here()) return;
        NativeConv2d.Geometry g = new NativeConv2d.Geometry(2, 3, 5, 5, 16, 3, 3, 1, 1, 1, 1, 5, 5);
        INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 5, 5), wt = Nd4j.create(DataType.FLOAT, 16, 3, 3, 3), out = Nd4j.create(DataType.FLOAT, 2, 16, 5, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeConv2d.forward(x, wt, null, null, Nd4j.create(DataType.FLOAT, 2, 16, 5, 4), g));
        assertTrue(e.getMessage().startsWith("output must be [2, 16, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NativeConv2d.inputGradient(out, out, wt, Nd4j.create(DataType.FLOAT, 2, 3, 5, 4), g));
        assertTrue(e.getMessage().startsWith("input gradient must be [2, 3, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NativeConv2d.weightGradient(x, out, out, wt, new double[15], g));
        assertTrue(e.getMessage().startsWith("bias gradient needs 16 entries"), e.getMessage());
    }
}
