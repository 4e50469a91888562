package jepa.accel;

import jepa.accel.Sgemm;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test (no assertions): GFLOP/s of sgemm on MeNet5's conv shapes at w = 2, 1088 images, and the GRU's step
 * gemm, through Nd4j.gemm and through {@link Sgemm} (the same OpenBLAS without libnd4j's matmul op), -Dtest=SgemmBench.
 */
class SgemmBench {
    @Test
    void gflops() {
        long[][] shapes = {{53312, 800, 64}, {800, 53312, 64}, {53312, 64, 800}, {53312, 576, 64}, {1088, 576, 512}, {64, 512, 1536}};
        String[] names = {"conv2 fwd [n,kk]x[kk,oc]", "conv2 dW [kk,n]x[n,oc]", "conv2 dX [n,oc]x[oc,kk]", "conv3 fwd", "fc fwd", "gru step"};
        for (int i = 0; i < shapes.length; i++) {
            long m = shapes[i][0], k = shapes[i][1], n = shapes[i][2];
            INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'f');
            int reps = m * k * n > 1e8 ? 7 : 51;
            double[] t = new double[reps], direct = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                long t1 = System.nanoTime();
                Sgemm.gemm(a, b, c, false, false, 1.0, 0.0);
                direct[r] = (System.nanoTime() - t1) / 1e9;
                t[r] = (t1 - t0) / 1e9;
            }
            java.util.Arrays.sort(t);
            java.util.Arrays.sort(direct);
            if (i == 0) try {
                for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")))
                    if (l.contains("blas") || l.contains("mkl")) { System.out.println("gemm bench lib " + l.substring(l.lastIndexOf(' ') + 1)); }
            } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
            double nd4j = t[reps / 2], sgemm = direct[reps / 2];
            System.out.printf("gemm bench %-26s Nd4j.gemm %6.2f ms %6.1f GFLOP/s, Sgemm %6.2f ms %6.1f GFLOP/s (threads %d)%n", names[i],
                    nd4j * 1e3, 2.0 * m * k * n / nd4j / 1e9, sgemm * 1e3, 2.0 * m * k * n / sgemm / 1e9, Nd4j.getEnvironment().maxThreads());
        }
    }
}
