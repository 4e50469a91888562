package jepa.accel.conv;

import jepa.accel.ParallelLoops;
import jepa.accel.conv.Conv2dKernels;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Not a test (no assertions): ms per fused bias+ReLU forward / ReLU backward at MeNet5's w = 2 shapes (-Dtest=Conv2dKernelsBench). */
class Conv2dKernelsBench {
    @Test
    void millis() {
        int n = 1088;
        for (int[] l : new int[][]{{32, 196}, {64, 49}}) {
            int c = l[0], p = l[1];
            INDArray rows = Nd4j.randn(DataType.FLOAT, c, (long) n * p), bias = Nd4j.randn(DataType.FLOAT, 1, c);
            INDArray pre = Nd4j.create(DataType.FLOAT, n, c, p), act = Nd4j.create(DataType.FLOAT, n, c, p), back = Nd4j.create(DataType.FLOAT, c, (long) n * p);
            double[] f = new double[41], b = new double[41];
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int r = 0; r < f.length; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                Conv2dKernels.forward(rows, bias, pre, act);
                long t1 = mx.getCurrentThreadCpuTime();
                Conv2dKernels.backward(pre, act, back, new double[(int) pre.size(1)]);
                f[r] = (t1 - t0) / 1e6; b[r] = (mx.getCurrentThreadCpuTime() - t1) / 1e6;
            }
            double[] cp = new double[9], rl = new double[9];
            for (int r = 0; r < 9; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                act.assign(pre);
                long t1 = mx.getCurrentThreadCpuTime();
                org.nd4j.linalg.ops.transforms.Transforms.relu(pre, true);
                cp[r] = (t1 - t0) / 1e6; rl[r] = (mx.getCurrentThreadCpuTime() - t1) / 1e6;
            }
            java.util.Arrays.sort(cp); java.util.Arrays.sort(rl);
            System.out.printf("convrelu bench c=%d p=%d: libnd4j assign %.1f ms, relu (new array) %.1f ms%n", c, p, cp[4], rl[4]);
            java.util.Arrays.sort(f); java.util.Arrays.sort(b);
            System.out.printf("convrelu bench c=%d p=%d: forward %.1f ms, backward %.1f ms (thread CPU, median of 41, %d threads)%n", c, p, f[20], b[20], ParallelLoops.threads());
        }
    }
}
