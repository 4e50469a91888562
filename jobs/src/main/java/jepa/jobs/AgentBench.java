package jepa.jobs;

import jepa.accel.Backend;
import jepa.accel.vit.VitRuntime;
import jepa.config.JepaConfig;
import jepa.method.Agent;
import jepa.method.Methods;
import jepa.nn.SameDiffParams;
import jepa.nn.VisionTransformer;
import jepa.optim.Adam;
import jepa.rl.AgentRun;
import jepa.rl.Ppo;
import jepa.rl.Variant;
import jepa.settings.AgentConfig;
import jepa.settings.CartPoleConfig;
import jepa.settings.ConfigError;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench job for an acting world (seed 003): (1) the ViT's training step — forward of a batch of three-frame
 * inputs, loss mean ‖s − y‖², backward, Adam, as {@code bench/torch_vit_step.py} times it in PyTorch — in samples/s
 * per bench.batch-sizes, in the project's runtime and as the SameDiff graph; (2) the whole PPO + JEPA update cycle of the configured agent method (rollout with the
 * encoder acting, GAE, the PPO update with the encoder's JEPA steps) in environment steps/s. Medians over
 * bench.steps after bench.warmup untimed steps (updates for the cycle).
 */
final class AgentBench {
    private AgentBench() {}

    static void run(JepaConfig cfg, int threads, boolean csv) {
        AgentConfig a = cfg.agent();
        CartPoleConfig c = cfg.cartpole();
        if (!csv) Main.RESULTS.printf(Locale.ROOT, "bench: ViT %dx%dx%d frames x%d, patch %d, d %d, depth %d, heads %d, mlp %d; backend %s, %d thread(s)%n",
                c.frameWidth(), c.frameHeight(), c.channels(), VisionTransformer.FRAMES, a.patchSize(), a.embedding(), a.depth(), a.heads(),
                a.mlpWidth(), Backend.current().id(), threads);
        List<String> lines = new ArrayList<>();
        lines.add("what,batch,step_s,samples_per_s,backend,threads");
        for (int b : cfg.bench().batchSizes())
            for (boolean sameDiff : new boolean[]{false, true}) {
                double step = sameDiff ? vitStepSameDiff(cfg, b) : vitStep(cfg, b);
                String impl = sameDiff ? "samediff" : "java";
                lines.add(String.format(Locale.ROOT, "vit_train_step_%s,%d,%.4f,%.1f,%s,%d", impl, b, step, b / step, sameDiff ? "stock" : "java", threads));
                if (!csv) System.err.printf(Locale.ROOT, "  ViT training step (%s), batch %d: %.4f s = %.1f samples/s%n", impl, b, step, b / step);
            }
        if (!(Methods.create(cfg.method()) instanceof Agent agent)) throw new ConfigError("bench of world " + cfg.world().kind() + " needs an agent method");
        double update = updateCycle(cfg, agent.variant());
        int batch = cfg.ppo().batchSize();
        lines.add(String.format(Locale.ROOT, "update_cycle_%s,%d,%.4f,%.1f,%s,%d", agent.variant().id(), batch, update, batch / update,
                Backend.current().id(), threads));
        if (csv) lines.forEach(Main.RESULTS::println);
        else {
            Main.RESULTS.printf(Locale.ROOT, "%-28s %6s %10s %14s%n", "what", "batch", "step s", "samples/s");
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split(",");
                Main.RESULTS.printf(Locale.ROOT, "%-28s %6s %10s %14s%n", f[0], f[1], f[2], f[3]);
            }
            Main.RESULTS.println("(update cycle: samples = environment steps; one cycle = a rollout of ppo.num-envs x ppo.num-steps steps and its PPO update)");
        }
    }

    /** Median seconds of one ViT training step at batch b in the project's runtime ({@link VitRuntime}). */
    static double vitStep(JepaConfig cfg, int b) {
        CartPoleConfig c = cfg.cartpole();
        VitRuntime rt = new VitRuntime(cfg.agent(), c.channels(), c.frameHeight(), c.frameWidth());
        double[] theta = initial(cfg);
        rt.setParams(theta);
        Adam adam = new Adam(theta.length, cfg.ppo().adamEps());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        float[] x = new float[b * rt.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        double[] y = new double[b * cfg.agent().embedding()];
        for (int i = 0; i < y.length; i++) y[i] = rng.nextGaussian();
        return Bench.median(Bench.time(cfg, () -> {
            double[] s = rt.forward(x, b);
            double[] ds = new double[s.length];
            for (int i = 0; i < s.length; i++) ds[i] = 2 * (s[i] - y[i]) / b;      // mean over the batch of ‖s − y‖²
            adam.step(theta, rt.backward(ds), 1, cfg.ppo().learningRate());
            rt.setParams(theta);
        }));
    }

    private static double[] initial(JepaConfig cfg) {
        CartPoleConfig c = cfg.cartpole();
        VisionTransformer vit = new VisionTransformer(cfg.agent(), c.channels(), c.frameHeight(), c.frameWidth());
        SameDiff sd = SameDiff.create();
        vit.build(sd, sd.placeHolder("x", DataType.FLOAT, -1, VisionTransformer.FRAMES * c.channels(), c.frameHeight(), c.frameWidth()), "", 1, DataType.FLOAT);
        return new SameDiffParams(sd, vit.variables("")).read();
    }

    /** Median seconds of one ViT training step at batch b as a SameDiff graph. */
    static double vitStepSameDiff(JepaConfig cfg, int b) {
        CartPoleConfig c = cfg.cartpole();
        VisionTransformer vit = new VisionTransformer(cfg.agent(), c.channels(), c.frameHeight(), c.frameWidth());
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, VisionTransformer.FRAMES * c.channels(), c.frameHeight(), c.frameWidth());
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, cfg.agent().embedding());
        SDVariable d = vit.build(sd, x, "", 1, DataType.FLOAT).sub(y);
        d.mul(d).sum(1).mean().rename("loss");
        sd.setLossVariables("loss");
        SameDiffParams params = new SameDiffParams(sd, vit.variables(""));
        double[] theta = params.read();
        Adam adam = new Adam(theta.length, cfg.ppo().adamEps());
        Map<String, INDArray> ph = Map.of("x", Nd4j.rand(DataType.FLOAT, b, VisionTransformer.FRAMES * c.channels(), c.frameHeight(), c.frameWidth()),
                "y", Nd4j.randn(DataType.FLOAT, b, cfg.agent().embedding()));
        return Bench.median(Bench.time(cfg, () -> {
            double[] g = params.flatten(sd.calculateGradients(ph, params.names()));
            adam.step(theta, g, 1, cfg.ppo().learningRate());
            params.write(theta);
        }));
    }

    /** Median seconds of one rollout-and-update cycle of the variant. */
    static double updateCycle(JepaConfig cfg, Variant variant) {
        int updates = cfg.bench().warmup() + cfg.bench().steps();
        JepaConfig short_ = cfg.with(List.of("ppo.total-steps=" + (long) updates * cfg.ppo().batchSize()));
        double[] times = new double[cfg.bench().steps()];
        long[] last = {System.nanoTime()};
        AgentRun.run(variant, short_.cartpole(), short_.ppo(), short_.agent(), cfg.train().seed(), cfg.dataset().seed(), new AgentRun.Listener() {
            @Override
            public void update(int u, long envStep, Ppo.UpdateStats s, Map<String, Double> terms, double mean) {
                long now = System.nanoTime();
                if (u > cfg.bench().warmup()) times[u - cfg.bench().warmup() - 1] = (now - last[0]) / 1e9;
                last[0] = now;
            }
        });
        return Bench.median(times);
    }
}
