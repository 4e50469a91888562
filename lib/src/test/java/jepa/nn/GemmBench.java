package jepa.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Not a test (no assertions): GFLOP/s of ND4J's sgemm on MeNet5's conv shapes at w = 2, 1088 images (-Dtest=GemmBench). */
class GemmBench {
    @Test
    void gflops() {
        long[][] shapes = {{53312, 800, 64}, {800, 53312, 64}, {53312, 64, 800}, {53312, 576, 64}, {1088, 576, 512}, {64, 512, 1536}};
        String[] names = {"conv2 fwd [n,kk]x[kk,oc]", "conv2 dW [kk,n]x[n,oc]", "conv2 dX [n,oc]x[oc,kk]", "conv3 fwd", "fc fwd", "gru step"};
        for (int i = 0; i < shapes.length; i++) {
            long m = shapes[i][0], k = shapes[i][1], n = shapes[i][2];
            INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'f');
            double[] t = new double[7];
            for (int r = 0; r < t.length; r++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            java.util.Arrays.sort(t);
            if (i == 0) try {
                for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")))
                    if (l.contains("blas") || l.contains("mkl")) { System.out.println("gemm bench lib " + l.substring(l.lastIndexOf(' ') + 1)); }
            } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
            System.out.printf("gemm bench %-26s %6.1f ms %6.1f GFLOP/s (threads %d)%n", names[i], t[3] * 1e3, 2.0 * m * k * n / t[3] / 1e9, Nd4j.getEnvironment().maxThreads());
        }
    }
}
