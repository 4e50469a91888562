package jepa.accel.conv;

import jepa.accel.ParallelLoops;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Not a test (no assertions): ms per im2col / col2im of MeNet5's convolutions at w = 2, 1088 images (-Dtest=Im2colBench). */
class Im2colBench {
    @Test
    void millis() {
        int n = Integer.getInteger("im2col.bench.n", 1088);
        int[][] layers = {{1, 28, 32, 5, 2, 2, 14}, {32, 14, 64, 5, 2, 2, 7}, {64, 7, 64, 3, 1, 1, 7}};   // ic, h, oc, k, s, p, oh
        for (int[] l : layers) {
            int ic = l[0], h = l[1], k = l[3], s = l[4], p = l[5], oh = l[6];
            INDArray x = Nd4j.rand(DataType.FLOAT, n, ic, h, h);
            INDArray cols = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, (long) oh * oh, (long) ic * k * k}, 'c');
            INDArray back = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, ic, h, h}, 'c');
            double[] a = new double[9], b = new double[9];
            for (int r = 0; r < 9; r++) {
                long t0 = System.nanoTime();
                Conv2dRuntime.patches(x, cols, k, k, s, s, p, p, oh, oh);
                long t1 = System.nanoTime();
                Conv2dRuntime.col2im(cols.reshape('c', (long) n * oh * oh, (long) ic * k * k), back, k, k, s, s, p, p, oh, oh);
                long t2 = System.nanoTime();
                a[r] = (t1 - t0) / 1e6; b[r] = (t2 - t1) / 1e6;
            }
            java.util.Arrays.sort(a); java.util.Arrays.sort(b);
            System.out.printf("im2col bench ic=%d h=%d k=%d s=%d: im2col %.1f ms, col2im %.1f ms (median of 9, %d threads), checksum %.3f%n",
                    ic, h, k, s, a[4], b[4], ParallelLoops.threads(), back.sumNumber().doubleValue());
        }
    }
}
