package jepa.accel.conv;

import jepa.accel.NativeThreads;
import jepa.accel.ParallelLoops;
import jepa.accel.Sgemm;
import jepa.accel.conv.Conv2dKernels;
import jepa.accel.conv.NativeConv2d;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test (no assertions): ms per native forward (+ bias, ReLU) / weight gradient (+ ReLU's gradient) / input
 * gradient of MeNet5's convolutions at w = 2, vs im2col + OpenBLAS (-Dtest=NativeConv2dBench; -Dnative.bench.only=true
 * times the native kernels alone, -Dnative.bench.n images, -Dnative.bench.threads threads).
 */
class NativeConv2dBench {
    @Test
    void millis() {
        if (Integer.getInteger("native.bench.threads") != null) NativeThreads.set(Integer.getInteger("native.bench.threads"));
        int mb = Integer.getInteger("native.bench.n", 1088);
        int[][] layers = {{1, 28, 32, 5, 2, 2, 14}, {32, 14, 64, 5, 2, 2, 7}, {64, 7, 64, 3, 1, 1, 7}};   // ic, h, oc, k, s, p, oh
        for (int[] l : layers) {
            int ic = l[0], h = l[1], oc = l[2], k = l[3], s = l[4], p = l[5], oh = l[6], kk = ic * k * k;
            long n = (long) mb * oh * oh;
            INDArray x = Nd4j.rand(DataType.FLOAT, mb, ic, h, h), wt = Nd4j.rand(DataType.FLOAT, oc, ic, k, k), delta = Nd4j.rand(DataType.FLOAT, oc, n);
            INDArray cm = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, oc}, 'f'), dw = Nd4j.create(DataType.FLOAT, oc, ic, k, k);
            INDArray pre = Nd4j.rand(DataType.FLOAT, mb, oc, oh, oh).subi(0.5), act = pre.ulike(), eps = Nd4j.rand(DataType.FLOAT, mb, oc, oh, oh), bias = Nd4j.rand(DataType.FLOAT, 1, oc);
            double[] db = new double[oc];
            INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, new long[]{mb, ic, h, h}, 'c');
            INDArray cols = Nd4j.createUninitialized(DataType.FLOAT, new long[]{mb, (long) oh * oh, kk}, 'c'), epsCol = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, kk}, 'c');
            NativeConv2d.Geometry g = new NativeConv2d.Geometry(mb, ic, h, h, oc, k, k, s, s, p, p, oh, oh);
            double[][] t = new double[6][9];
            for (int r = 0; r < 9; r++) {
                long t0 = System.nanoTime();
                NativeConv2d.forward(x, wt, bias, null, act, g);          // as the layer: no pre-activation kept
                long t1 = System.nanoTime();
                NativeConv2d.weightGradient(x, act, eps, dw, db, g);
                long t2 = System.nanoTime();
                NativeConv2d.inputGradient(act, eps, wt, dx, g);
                long t3 = System.nanoTime();
                if (Boolean.getBoolean("native.bench.only")) { t[0][r] = (t1 - t0) / 1e6; t[1][r] = (t2 - t1) / 1e6; t[2][r] = (t3 - t2) / 1e6; continue; }
                Conv2dRuntime.patches(x, cols, k, k, s, s, p, p, oh, oh);
                INDArray c2d = cols.reshape('c', n, kk);
                Sgemm.gemm(c2d, wt.reshape('c', oc, kk), cm, false, true, 1.0, 0.0);
                Conv2dKernels.forward(cm, bias, pre, act);
                long t4 = System.nanoTime();
                Conv2dKernels.backward(pre, eps, delta, db);
                Sgemm.gemm(c2d, delta, dw.reshape('c', oc, kk).transpose(), true, true, 1.0, 0.0);
                long t5 = System.nanoTime();
                Sgemm.gemm(delta, wt.reshape('c', oc, kk), epsCol, true, false, 1.0, 0.0);
                Conv2dRuntime.col2im(epsCol, dx, k, k, s, s, p, p, oh, oh);
                long t6 = System.nanoTime();
                long[] ts = {t0, t1, t2, t3, t4, t5, t6};
                for (int i = 0; i < 6; i++) t[i][r] = (ts[i + 1] - ts[i]) / 1e6;
            }
            for (double[] a : t) java.util.Arrays.sort(a);
            System.out.printf("native bench ic=%d h=%d k=%d: native fwd %.1f dW %.1f dX %.1f | im2col+gemm+relu fwd %.1f relu'+dW %.1f dX+col2im %.1f ms (median of 9, %d threads)%n",
                    ic, h, k, t[0][4], t[1][4], t[2][4], t[3][4], t[4][4], t[5][4], ParallelLoops.threads());
        }
    }
}
