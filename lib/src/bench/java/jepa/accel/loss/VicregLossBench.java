package jepa.accel.loss;

import jepa.method.LossGraphs;

import jepa.accel.loss.InfoNceLossRuntimeTest;
import jepa.accel.loss.VicregLossRuntimeTest;
import jepa.accel.loss.VicregParams;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Not a test (no assertions): backprop + score of the VICReg and InfoNCE loss layers alone, SameDiff runtime vs
 * {@link VicregLossRuntime} / {@link InfoNceLossRuntime}, float, B/D from -Dvicreg.bench.b/.d (64/512), median of 10 calls (-Dtest=VicregLossBench).
 */
class VicregLossBench {
    @Test
    void layerSecondsPerCall() {
        int b = Integer.getInteger("vicreg.bench.b", 64), d = Integer.getInteger("vicreg.bench.d", 512);
        ComputationGraph cg = VicregLossRuntimeTest.graph(d, VicregParams.defaults(), DataType.FLOAT);
        INDArray x = VicregLossRuntimeTest.batch(b, d, DataType.FLOAT, 1);
        IOutputLayer fast = (IOutputLayer) cg.getLayer("loss"), old = VicregLossRuntimeTest.stock(cg, DataType.FLOAT);
        ComputationGraph nce = InfoNceLossRuntimeTest.graph(d, 0.5, true, DataType.FLOAT);
        IOutputLayer nceFast = (IOutputLayer) nce.getLayer("loss"), nceOld = VicregLossRuntimeTest.stock(nce, DataType.FLOAT);
        for (int round = 0; round < 2; round++) {
            System.out.printf("VICReg loss layer B=%d D=%d, backprop + score, median of 10: SameDiff %.4f s, hand-written %.4f s%n",
                    b, d, median(old, x), median(fast, x));
            System.out.printf("InfoNCE loss layer B=%d D=%d, backprop + score, median of 10: SameDiff %.4f s, hand-written %.4f s%n",
                    b, d, median(nceOld, x), median(nceFast, x));
        }
    }

    private static double median(IOutputLayer layer, INDArray x) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setLabels(LossGraphs.dummy((int) x.size(0), x.dataType()));
        double[] s = new double[13];
        for (int i = 0; i < s.length; i++) {
            long t0 = System.nanoTime();
            layer.setInput(x, mgr);
            layer.backpropGradient(null, mgr);
            layer.computeScore(0, true, mgr);
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] kept = Arrays.copyOfRange(s, 3, s.length);   // after warm-up
        Arrays.sort(kept);
        return (kept[4] + kept[5]) / 2;
    }
}
