package jepa.method;

import jepa.config.JepaConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Not a test (no assertions): VICReg fit s/step at -Dvicreg.bench.b/.w/.d, for profiling by hand (-Dtest=VicregBench).
 * -Dvicreg.bench.ab=native,java alternates the two compute backends step by step in one JVM (paired A/B; the
 * stock backend is chosen when a graph is built, so it cannot alternate).
 */
class VicregBench {
    @Test
    void secondsPerStep() {
        if (Integer.getInteger("vicreg.bench.threads") != null) jepa.accel.NativeThreads.set(Integer.getInteger("vicreg.bench.threads"));
        int b = Integer.getInteger("vicreg.bench.b", 64), d = Integer.getInteger("vicreg.bench.d", 512), w = Integer.getInteger("vicreg.bench.w", 2);
        JepaConfig cfg = JepaConfig.load(null, List.of("method.width=" + w, "method.embedding=" + d));
        NetworkMethod m = Methods.network(cfg.method());
        ComputationGraph cg = m.build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 100).graph();
        Nd4j.getRandom().setSeed(1);
        INDArray frames = Nd4j.randn(DataType.FLOAT, b, JepaNetwork.PIXELS, JepaNetwork.FRAMES), actions = Nd4j.randn(DataType.FLOAT, b, 2, 16);
        MultiDataSet mds = Vicreg.dataSet(frames, actions);
        if (Boolean.getBoolean("vicreg.bench.infer")) {
            JepaNetwork net = new JepaNetwork(cg, JepaParams.of(cfg.method(), cfg.world(), 1));
            for (int i = 0; i < Integer.getInteger("vicreg.bench.steps", 12); i++) {
                long t0 = System.nanoTime();
                net.rollout(frames, actions);
                System.out.printf("vicreg bench inference B=%d step %d: %.3f s, RSS %.0f MB%n", b, i, (System.nanoTime() - t0) / 1e9, RssmBench.rssMb());
            }
            return;
        }
        String[] ab = System.getProperty("vicreg.bench.ab", "").isEmpty() ? null : System.getProperty("vicreg.bench.ab").split(",");
        for (int i = 0; i < Integer.getInteger("vicreg.bench.steps", 12); i++) {
            String backend = ab == null ? jepa.accel.Backend.current().id() : jepa.accel.Backend.use(ab[i % ab.length]).id();
            long t0 = System.nanoTime();
            cg.fit(mds);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(backend + " vicreg bench B=%d w=%d D=%d step %d: %.3f s/step, %.1f seq/s, loss %.4f, RSS %.0f MB%n", b, w, d, i, s, b / s, cg.score(), RssmBench.rssMb());
        }
    }
}
