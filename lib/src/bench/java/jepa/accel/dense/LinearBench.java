package jepa.accel.dense;

import jepa.nn.FramesToImages;
import jepa.nn.ImagesToFrames;

import jepa.accel.NativeThreads;
import jepa.accel.ParallelLoops;
import jepa.accel.dense.Linear;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;

/**
 * Not a test (no assertions): MeNet5's last two steps at w = 2, B = 64, T = 17 — dense [1088, 576] → 512 (identity)
 * then [1088, 512] → [64, 512, 17] — DL4J's DenseLayer + FeedForwardToRnnPreProcessor vs {@link Linear} +
 * {@link ImagesToFrames}, float, median of 10 (-Dtest=LinearBench; -Ddense.bench.threads=k).
 */
class LinearBench {
    static final int B = 64, T = 17, N_IN = 576, N_OUT = 512, REPS = 10, WARM = 5;

    @Test
    void forwardBackwardTimes() {
        int before = NativeThreads.get();
        try {
            NativeThreads.set(Integer.getInteger("dense.bench.threads", before));
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.randn(DataType.FLOAT, (long) B * T, N_IN), eps = Nd4j.randn(DataType.FLOAT, B, N_OUT, T);
            // the layer and the preprocessor called directly (no workspaces)
            for (boolean fast : new boolean[]{false, true, false, true}) {     // twice each: JIT and page warm-up
                ComputationGraph cg = graph(fast, true);
                Layer l = cg.getLayer("fc");
                InputPreProcessor pp = fast ? new ImagesToFrames() : new FeedForwardToRnnPreProcessor();
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
                double[] fwd = new double[REPS], bwd = new double[REPS];
                for (int i = 0; i < REPS + WARM; i++) {
                    l.setInput(x, mgr);
                    long t0 = System.nanoTime();
                    pp.preProcess(l.activate(true, mgr), B, mgr);
                    long t1 = System.nanoTime();
                    l.backpropGradient(pp.backprop(eps, B, mgr), mgr);
                    long t2 = System.nanoTime();
                    if (i >= WARM) { fwd[i - WARM] = (t1 - t0) / 1e6; bwd[i - WARM] = (t2 - t1) / 1e6; }
                }
                System.out.printf("dense bench %s threads %d, layer + preprocessor: forward %.2f ms, backward %.2f ms (median of %d)%n",
                        name(fast), ParallelLoops.threads(), median(fwd), median(bwd), REPS);
            }
            // in graphs with DL4J's training workspaces: [B, 576, T] → (MeNet5's layout, both: FramesToImages +
            // CnnToFeedForward, c-order rows t·B + b) fc → frames [B, 512, T], then (a) the graph's output, with an
            // external c-order epsilon (as the project's GRU and VICReg runtimes hand back), or (b) DL4J's RnnLossLayer
            INDArray seqs = Nd4j.randn(DataType.FLOAT, B, N_IN, T), labels = Nd4j.randn(DataType.FLOAT, B, N_OUT, T);
            for (boolean loss : new boolean[]{false, true}) {
                for (boolean fast : new boolean[]{false, true, false, true}) {
                    ComputationGraph cg = graph(fast, loss);
                    cg.setInputs(seqs);
                    cg.setLabels(labels);
                    double[] t = new double[REPS];
                    for (int i = 0; i < REPS + WARM; i++) {
                        long t0 = System.nanoTime();
                        if (loss) {
                            cg.computeGradientAndScore();
                        } else {
                            cg.feedForward(new INDArray[]{seqs}, true, false);
                            cg.backpropGradient(eps);
                        }
                        if (i >= WARM) t[i - WARM] = (System.nanoTime() - t0) / 1e6;
                    }
                    System.out.printf("dense bench %s threads %d, graph forward+backward %s: %.2f ms (median of %d)%n",
                            name(fast), ParallelLoops.threads(), loss ? "into DL4J's RnnLossLayer (MSE)" : "with an external epsilon  ",
                            median(t), REPS);
                }
            }
            biasVariants(x);
        } finally {
            NativeThreads.set(before);
        }
    }

    /** The bias in the forward: rows pre-filled with b + gemm (beta = 1, as Linear) vs gemm + a parallel add. */
    private static void biasVariants(INDArray x) {
        INDArray w = Nd4j.randn(DataType.FLOAT, N_IN, N_OUT).dup('f'), z = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), N_OUT);
        float[] b = Nd4j.randn(DataType.FLOAT, N_OUT).toFloatVector();
        int n = (int) x.size(0);
        double[] fold = new double[REPS], add = new double[REPS], gemmOnly = new double[REPS];
        for (int i = 0; i < REPS + WARM; i++) {
            long t0 = System.nanoTime();
            org.bytedeco.javacpp.FloatPointer z0 = new org.bytedeco.javacpp.FloatPointer(z.data().addressPointer());
            ParallelLoops.forRange(n, (lo, hi) -> {
                org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(z0);
                for (int r = lo; r < hi; r++) p.position((long) r * N_OUT).put(b, 0, N_OUT);
            });
            Nd4j.gemm(x, w, z, false, false, 1.0, 1.0);
            long t1 = System.nanoTime();
            Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
            long t2 = System.nanoTime();
            ParallelLoops.forRange(n, (lo, hi) -> {
                org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(z0);
                float[] row = new float[N_OUT];
                for (int r = lo; r < hi; r++) {
                    p.position((long) r * N_OUT).get(row, 0, N_OUT);
                    for (int j = 0; j < N_OUT; j++) row[j] += b[j];
                    p.put(row, 0, N_OUT);
                }
            });
            long t3 = System.nanoTime();
            if (i >= WARM) { fold[i - WARM] = (t1 - t0) / 1e6; gemmOnly[i - WARM] = (t2 - t1) / 1e6; add[i - WARM] = (t3 - t1) / 1e6; }
        }
        System.out.printf("dense bench bias threads %d: fill rows + gemm(beta 1) %.2f ms, gemm(beta 0) + parallel add %.2f ms, gemm alone %.2f ms%n",
                ParallelLoops.threads(), median(fold), median(add), median(gemmOnly));
    }

    private static String name(boolean fast) { return fast ? "Linear+ImagesToFrames" : "DL4J                         "; }

    private static ComputationGraph graph(boolean fast, boolean loss) {
        DenseLayer.Builder b = new DenseLayer.Builder().nIn(N_IN).nOut(N_OUT).activation(Activation.IDENTITY);
        var gb = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(N_IN, T))
                .addLayer("fc", fast ? new Linear(b) : b.build(),
                        new ComposableInputPreProcessor(new FramesToImages(3, 3, 64), new CnnToFeedForwardPreProcessor(3, 3, 64)), "x")
                .addVertex("seq", new PreprocessorVertex(fast ? new ImagesToFrames() : new FeedForwardToRnnPreProcessor()), "fc");
        if (loss) gb.addLayer("loss", new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "seq");
        ComputationGraph cg = new ComputationGraph(gb.setOutputs(loss ? "loss" : "seq").build());
        cg.init();
        cg.initGradientsView();
        return cg;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
