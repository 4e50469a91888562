package jepa.method;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Not a test (no assertions): sec/step at B = 64 for -Drssm.bench.d / .w (run by hand, -Dtest=RssmBench). */
class RssmBench {
    /** The process's resident set (VmRSS), in MB. */
    static double rssMb() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    @Test
    void secondsPerStep() {
        int b = Integer.getInteger("rssm.bench.b", 64), d = Integer.getInteger("rssm.bench.d", 512), w = Integer.getInteger("rssm.bench.w", 2);
        Rssm m = new Rssm(new RssmParams(1e-3, 0.1, 3.0));
        JepaNetwork net = Rssm.build(new JepaParams(1, false, w, d, 1, 1), m.params(), nb -> nb.updater(jepa.optim.ReferenceAdam.of(1e-3)), DataType.FLOAT);
        m.configure(net.graph());
        ComputationGraph cg = net.graph();
        Nd4j.getRandom().setSeed(1);
        INDArray frames = Nd4j.randn(DataType.FLOAT, b, 784, 17), actions = Nd4j.randn(DataType.FLOAT, b, 2, 16);
        MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{frames, actions}, new INDArray[]{Rssm.targets(frames, true)});
        for (int i = 0; i < Integer.getInteger("rssm.bench.steps", 4); i++) {
            long t0 = System.nanoTime();
            cg.fit(mds);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("rssm bench B=%d w=%d D=%d step %d: %.2f s/step, %.1f seq/s, loss %.4f, RSS %.0f MB%n", b, w, d, i, s, b / s, cg.score(), rssMb());
        }
        long t0 = System.nanoTime();
        net.rollout(frames, actions);
        System.out.printf("rssm bench rollout (inference) %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
