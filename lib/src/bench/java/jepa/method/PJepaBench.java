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

    /** The embeddings' scale at initialisation for both encoders (std over a batch, mean over features). */
    @Test
    void initialScale() {
        for (String encoder : List.of("conv", "resnet")) {
            JepaConfig cfg = JepaConfig.load(null, List.of("world.kind=counting", "method.name=pjepa-reward", "pjepa.encoder=" + encoder));
            PJepa m = (PJepa) Methods.create(cfg.method());
            PJepaNetwork net = PJepaNetwork.build(m, cfg.pjepa(), 64, 1, false);
            CountingBatches source = new CountingBatches(new CountingWorld(cfg.counting()), 1, Split.TRAIN, 200);
            long[] ids = new long[64];
            for (int i = 0; i < ids.length; i++) ids[i] = 5L * i;
            CountingBatch b = source.batch(ids, false);
            org.nd4j.linalg.api.ndarray.INDArray z = net.encode(b.frames(), 64);
            System.out.printf("pjepa init scale %s: feature std %.5f, mean |z| %.5f%n", encoder, z.std(0).meanNumber().doubleValue(),
                    org.nd4j.linalg.ops.transforms.Transforms.abs(z).meanNumber().doubleValue());
        }
    }

    /** Sanity: the loss terms on one fixed batch over steps (-Dpjepa.bench.method, -Dpjepa.bench.overrides=k=v,...). */
    @Test
    void overfitOneBatch() {
        String method = System.getProperty("pjepa.bench.method", "reward-only");
        List<String> o = new java.util.ArrayList<>(List.of("world.kind=counting", "method.name=" + method));
        String extra = System.getProperty("pjepa.bench.overrides", "");
        if (!extra.isEmpty()) o.addAll(List.of(extra.split(",")));
        JepaConfig cfg = JepaConfig.load(null, o);
        PJepa m = (PJepa) Methods.create(cfg.method());
        PJepaNetwork net = PJepaNetwork.build(m, cfg.pjepa(), cfg.counting().imageSize(), 1, false);
        CountingBatches source = new CountingBatches(new CountingWorld(cfg.counting()), 1, Split.TRAIN, 400);
        long[] ids = new long[64];
        for (int i = 0; i < ids.length; i++) ids[i] = 7L * i;
        CountingBatch b = source.batch(ids, m.dynamics());
        int pos = 0;
        for (float r : b.rewards()) if (r > 0) pos++;
        System.out.println("overfit: " + pos + " of 64 rewarded");
        MultiDataSet mds = net.dataSet(b);
        for (int i = 0; i < Integer.getInteger("pjepa.bench.steps", 200); i++) {
            net.graph().fit(mds);
            if (i % 10 == 0) System.out.println("overfit " + method + " step " + i + " " + net.terms());
        }
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> act = net.graph().feedForward(net.inputs(b.frames(), b.actions()), false);
        for (String v : List.of("encoder", "z", "aux_h1", "aux_h2", "aux"))
            System.out.printf("overfit activations %s: std over examples (mean over features) %.6f, mean |x| %.6f%n", v,
                    act.get(v).std(0).meanNumber().doubleValue(), org.nd4j.linalg.ops.transforms.Transforms.abs(act.get(v)).meanNumber().doubleValue());
    }
}
