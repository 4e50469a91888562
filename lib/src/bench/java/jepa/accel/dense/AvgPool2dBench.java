package jepa.accel.dense;

import jepa.accel.NativeThreads;
import jepa.accel.ParallelLoops;
import jepa.accel.dense.AvgPool2d;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Not a test (no assertions): median forward and backward times of DL4J's SubsamplingLayer vs {@link AvgPool2d}
 * on MeNet5's w=2 pool input [1088, 64, 7, 7] float (-Dtest=AvgPool2dBench; -Dpool.bench.threads=k).
 */
class AvgPool2dBench {
    @Test
    void forwardBackwardTimes() {
        int n = Integer.getInteger("pool.bench.n", 1088), reps = Integer.getInteger("pool.bench.reps", 10), warm = 5;
        int before = NativeThreads.get();
        try {
            NativeThreads.set(Integer.getInteger("pool.bench.threads", before));
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, n, 64, 7, 7), eps = Nd4j.randn(DataType.FLOAT, n, 64, 3, 3);
            for (boolean fast : new boolean[]{false, true, false, true}) {     // twice each: JIT and page warm-up
                Layer l = layer(fast);
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
                double[] fwd = new double[reps], bwd = new double[reps];
                for (int i = 0; i < reps + warm; i++) {
                    l.setInput(x, mgr);
                    long t0 = System.nanoTime();
                    l.activate(true, mgr);
                    long t1 = System.nanoTime();
                    l.backpropGradient(eps, mgr);
                    long t2 = System.nanoTime();
                    if (i >= warm) { fwd[i - warm] = (t1 - t0) / 1e6; bwd[i - warm] = (t2 - t1) / 1e6; }
                }
                System.out.printf("pool bench %s threads %d [%d, 64, 7, 7]: forward %.2f ms, backward %.2f ms (median of %d)%n",
                        fast ? "AvgPool2d" : "DL4J             ", ParallelLoops.threads(), n, median(fwd), median(bwd), reps);
            }
            // the loops alone, into preallocated arrays (no allocation of the outputs)
            INDArray y = Nd4j.createUninitialized(DataType.FLOAT, n, 64, 3, 3), dx = Nd4j.createUninitialized(DataType.FLOAT, n, 64, 7, 7);
            AvgPool2d.Pool pool = new AvgPool2d.Pool(n, 64, 7, 7, 2, 2, 2, 2);
            double[] kf = new double[reps], kb = new double[reps];
            for (int i = 0; i < reps + warm; i++) {
                long t0 = System.nanoTime();
                ParallelLoops.forRange(n, (from, to) -> pool.forward(x, y, from, to));
                long t1 = System.nanoTime();
                ParallelLoops.forRange(n, (from, to) -> pool.backward(eps, dx, from, to));
                long t2 = System.nanoTime();
                if (i >= warm) { kf[i - warm] = (t1 - t0) / 1e6; kb[i - warm] = (t2 - t1) / 1e6; }
            }
            System.out.printf("pool bench loops only      threads %d: forward %.2f ms, backward %.2f ms (median of %d)%n",
                    ParallelLoops.threads(), median(kf), median(kb), reps);
            // in a graph with DL4J's training workspaces (outputs reuse workspace memory, as in training):
            // x → pool → MSE output [576 → 1], one computeGradientAndScore (the output layer costs the same in both)
            INDArray labels = Nd4j.randn(DataType.FLOAT, n, 1);
            for (boolean fast : new boolean[]{false, true, false, true}) {
                ComputationGraph cg = graphWithOutput(fast);
                cg.setInputs(x);
                cg.setLabels(labels);
                double[] t = new double[reps];
                for (int i = 0; i < reps + warm; i++) {
                    long t0 = System.nanoTime();
                    cg.computeGradientAndScore();
                    if (i >= warm) t[i - warm] = (System.nanoTime() - t0) / 1e6;
                }
                System.out.printf("pool bench %s threads %d, graph forward+backward with workspaces: %.2f ms (median of %d)%n",
                        fast ? "AvgPool2d" : "DL4J             ", ParallelLoops.threads(), median(t), reps);
            }
        } finally {
            NativeThreads.set(before);
        }
    }

    private static Layer layer(boolean fast) {
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2);
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(7, 7, 64))
                .addLayer("pool", fast ? new AvgPool2d(b) : b.build(), "x")
                .setOutputs("pool").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg.getLayer("pool");
    }

    private static ComputationGraph graphWithOutput(boolean fast) {
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2);
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new org.nd4j.linalg.learning.config.Sgd(0.1)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(7, 7, 64))
                .addLayer("pool", fast ? new AvgPool2d(b) : b.build(), "x")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE)
                        .nOut(1).activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
