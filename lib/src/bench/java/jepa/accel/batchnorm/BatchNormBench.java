package jepa.accel.batchnorm;

import jepa.nn.MeNet5;

import jepa.accel.batchnorm.BatchNorm;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Not a test (no assertions): median forward (training mode) and backward times of DL4J's BatchNormalization vs
 * {@link BatchNorm} on MeNet5's w=2 activations at 1088 images, float (-Dtest=BatchNormBench).
 */
class BatchNormBench {
    @Test
    void forwardBackwardTimes() {
        int n = Integer.getInteger("bn.bench.n", 1088), reps = Integer.getInteger("bn.bench.reps", 10), warm = 5;
        for (long[] s : new long[][]{{n, 32, 14, 14}, {n, 64, 7, 7}, {n, 32, 14, 14}}) {   // first shape twice: JIT warm
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, s), eps = Nd4j.randn(DataType.FLOAT, s);
            for (boolean fast : Boolean.getBoolean("bn.bench.fastOnly") ? new boolean[]{true} : new boolean[]{false, true}) {
                Layer l = layer(fast, (int) s[1], (int) s[2]);
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();     // both layers allocate their outputs
                double[] fwd = new double[reps], bwd = new double[reps], cf = new double[reps], cb = new double[reps];
                for (int i = 0; i < reps + warm; i++) {
                    System.gc();                 // frees the last call's native arrays: fewer fresh pages, less JavaCPP GC
                    l.setInput(x, mgr);
                    long t0 = System.nanoTime(), c0 = cpu();
                    l.activate(true, mgr);
                    long t1 = System.nanoTime(), c1 = cpu();
                    l.backpropGradient(eps, mgr);
                    long t2 = System.nanoTime(), c2 = cpu();
                    if (i >= warm) {
                        fwd[i - warm] = (t1 - t0) / 1e6; bwd[i - warm] = (t2 - t1) / 1e6;
                        cf[i - warm] = (c1 - c0) / 1e6; cb[i - warm] = (c2 - c1) / 1e6;
                    }
                }
                System.out.printf("bn bench %s %s: forward %.1f ms, backward %.1f ms (median of %d; process CPU %.1f, %.1f ms)%n",
                        fast ? "BatchNorm" : "DL4J         ", Arrays.toString(s), median(fwd), median(bwd), reps, median(cf), median(cb));
            }
        }
    }

    private static Layer layer(boolean fast, int c, int h) {
        BatchNormalization.Builder b = new BatchNormalization.Builder().eps(MeNet5.BN_EPS).decay(MeNet5.BN_DECAY).useLogStd(false);
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(h, h, c))
                .addLayer("bn", fast ? new BatchNorm(b) : b.build(), "x")
                .addLayer("out", new OutputLayer.Builder(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nOut(1).activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), new CnnToFeedForwardPreProcessor(h, h, c), "bn")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        cg.initGradientsView();
        return cg.getLayer("bn");
    }

    /** CPU time of the whole JVM (all threads: the loops' and OpenMP's), less sensitive to other processes. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
