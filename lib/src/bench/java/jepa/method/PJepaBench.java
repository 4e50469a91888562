package jepa.method;

import jepa.config.JepaConfig;
import jepa.data.CountingBatch;
import jepa.data.CountingBatches;
import jepa.world.CountingWorld;
import jepa.world.Split;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Arrays;
import java.util.List;

/**
 * Not a test (no assertions): P-JEPA training steps at -Dpjepa.bench.b (256) with -Dpjepa.bench.encoder (conv |
 * resnet), -Dpjepa.bench.method (pjepa-reward), -Dpjepa.bench.decoder (true), -Dpjepa.bench.threads; prints s/step
 * and transitions/s per step and the median (-Dtest=PJepaBench). The same step as bench/torch_pjepa_step.py.
 */
class PJepaBench {
    @Test
    void transitionsPerSecond() {
        if (Integer.getInteger("pjepa.bench.threads") != null) jepa.accel.NativeThreads.set(Integer.getInteger("pjepa.bench.threads"));
        int b = Integer.getInteger("pjepa.bench.b", 256), steps = Integer.getInteger("pjepa.bench.steps", 8), warmup = Integer.getInteger("pjepa.bench.warmup", 2);
        String encoder = System.getProperty("pjepa.bench.encoder", "conv"), method = System.getProperty("pjepa.bench.method", "pjepa-reward");
        boolean decoder = Boolean.parseBoolean(System.getProperty("pjepa.bench.decoder", "true"));
        JepaConfig cfg = JepaConfig.load(null, List.of("world.kind=counting", "method.name=" + method, "pjepa.encoder=" + encoder));
        PJepa m = (PJepa) Methods.create(cfg.method());
        PJepaNetwork net = PJepaNetwork.build(m, cfg.pjepa(), cfg.counting().imageSize(), 1, decoder);
        CountingBatches source = new CountingBatches(new CountingWorld(cfg.counting()), 1, Split.TRAIN, 4 * b);
        long[] ids = new long[b];
        for (int i = 0; i < b; i++) ids[i] = 3L * i;
        CountingBatch batch = source.batch(ids, m.dynamics());
        MultiDataSet mds = net.dataSet(batch);
        double[] t = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            net.graph().fit(mds);
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= warmup) t[i - warmup] = s;
            System.out.printf("%s pjepa bench %s %s decoder=%s B=%d step %d: %.3f s/step, %.1f transitions/s, loss %.4f%n",
                    jepa.accel.Backend.current().id(), method, encoder, decoder, b, i, s, b / s, net.graph().score());
        }
        Arrays.sort(t);
        System.out.printf("pjepa bench median %s %s decoder=%s B=%d: %.3f s/step, %.1f transitions/s%n", method, encoder, decoder, b, t[steps / 2], b / t[steps / 2]);
    }
}
