package jepa.accel.gru;

import jepa.accel.gru.Gru;
import jepa.accel.gru.GruRuntimeTest;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Not a test (no assertions; not matched by -Dtest=Gru*): forward and backward time of the Gru vertex, GruRuntime vs the stock SameDiff runtime,
 * float, B/D/layers from -Dgru.bench.b/.d/.layers (64/512/1), median of -Dgru.bench.calls (10) after 3 warm-up calls.
 */
class GruBench {
    @Test
    void forwardAndBackwardTimes() {
        int b = Integer.getInteger("gru.bench.b", 64), d = Integer.getInteger("gru.bench.d", 512);
        int layers = Integer.getInteger("gru.bench.layers", 1), calls = Integer.getInteger("gru.bench.calls", 10);
        Nd4j.getRandom().setSeed(1);
        INDArray z = Nd4j.randn(DataType.FLOAT, b, d, GruRuntimeTest.T), a = Nd4j.randn(DataType.FLOAT, b, 2, GruRuntimeTest.T - 1);
        INDArray eps = Nd4j.randn(DataType.FLOAT, b, d, GruRuntimeTest.T);
        for (boolean stock : new boolean[]{true, false}) {
            Gru gru = stock ? new GruRuntimeTest.StockGru(d, layers) : new Gru(d, layers, GruRuntimeTest.T, 2);
            ComputationGraph cg = GruRuntimeTest.graph(gru, DataType.FLOAT, 1);
            GraphVertex v = cg.getVertex("rollout");
            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            double[] fwd = new double[calls], bwd = new double[calls], cpuF = new double[calls], cpuB = new double[calls];
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = -3; i < calls; i++) {
                v.setInput(0, z, mgr);
                v.setInput(1, a, mgr);
                long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                v.doForward(true, mgr);
                long c1 = mx.getCurrentThreadCpuTime(), t1 = System.nanoTime();
                v.setEpsilon(eps);
                v.doBackward(false, mgr);
                long c2 = mx.getCurrentThreadCpuTime(), t2 = System.nanoTime();
                if (i >= 0) {
                    fwd[i] = (t1 - t0) / 1e6; bwd[i] = (t2 - t1) / 1e6;
                    cpuF[i] = (c1 - c0) / 1e6; cpuB[i] = (c2 - c1) / 1e6;
                }
            }
            for (double[] x : new double[][]{fwd, bwd, cpuF, cpuB}) Arrays.sort(x);
            System.out.printf("gru bench %s B=%d D=%d layers=%d: forward %.1f ms, backward %.1f ms (median of %d; min %.1f / %.1f);"
                            + " thread CPU forward %.1f ms, backward %.1f ms%n", stock ? "stock SameDiff" : "GruRuntime", b, d, layers,
                    fwd[calls / 2], bwd[calls / 2], calls, fwd[0], bwd[0], cpuF[calls / 2], cpuB[calls / 2]);
        }
    }
}
