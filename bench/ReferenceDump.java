import jepa.accel.loss.VicregParams;
import jepa.config.JepaConfig;
import jepa.data.Batch;
import jepa.data.EpochOrder;
import jepa.data.GeneratedBatches;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.method.Vicreg;
import jepa.probe.MetricRow;
import jepa.probe.ProbeEvaluation;
import jepa.settings.ConfigError;
import jepa.train.Checkpoints;
import jepa.train.RunProtocol;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import jepa.world.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Dumps one VICReg training run of this project for bench/reference_replay.py, which replays it through the reference
 * code (vicreg.py, lars.py): the initial parameters, the gradient of the first batch, the training split and each
 * epoch's order, the loss of every step, the parameters after the first step and after training, and the probe
 * splits. Tensors are little-endian float32 in c order, listed in index.txt as "name [shape]"; run.txt holds the
 * hyper-parameters and the sweep's own probe result.
 * <p>
 * Single-file program on the project's classpath (after {@code mvn -DskipTests install}):
 * <pre>
 * java -cp "jobs/target/jepa-jobs.jar:$(cat jobs/target/classpath.txt)" bench/ReferenceDump.java OUT conf/quick.conf [key=value ...]
 * </pre>
 * The data, the epoch order and the network are built as RunProtocol.probed builds them, and the steps are the
 * Trainer's (one fit per batch). To show that this is the sweep's run and not a look-alike, the config is then run
 * once more through RunProtocol.run itself (into OUT/run: Trainer, checkpoints, evaluation) and its final parameters
 * must equal the dumped ones bit for bit; its rollout probe goes into run.txt for the replay to print.
 */
public class ReferenceDump {
    private static Path out;
    private static final StringBuilder INDEX = new StringBuilder();

    public static void main(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: ReferenceDump OUT CONF [key=value ...]");
        out = Path.of(args[0]);
        Files.createDirectories(out);
        JepaConfig cfg = JepaConfig.load(Path.of(args[1]), List.of(args).subList(2, args.length));
        JepaParams params = RunProtocol.params(cfg);
        // the replay builds the reference's VICRegPredMultistep: MeNet5 on one-channel frames and a one-layer GRU
        if (!(Methods.create(cfg.method()) instanceof Vicreg) || params.channels() != 1 || params.gruLayers() != 1)
            throw new ConfigError("the replay is the reference's VICReg: method.name = vicreg, a one-dot world, method.gru-layers = 1");

        // RunProtocol.probed's objects, made the same way
        var d = cfg.dataset();
        var t = cfg.train();
        Normalization norm = GeneratedBatches.estimateNormalization(cfg.world(), cfg.noise(), d.seed(), d.train(), d.normBatch(), d.normBatches());
        NetworkMethod method = Methods.network(cfg.method());
        long size = RunProtocol.trainingSplitSize(cfg, method);
        EpochOrder order = RunProtocol.order(cfg, method);
        GeneratedBatches train = new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), method.trainingSplit(), size, t.batchSize(), norm, order);
        int dots = MovingDots.of(cfg.world()).dots();
        JepaNetwork net = method.build(params, dots, t, train.batchesPerEpoch());   // as Trainer builds a fresh run's

        VicregParams v = VicregParams.from(cfg.method());
        List<String> run = new ArrayList<>(List.of("batch " + t.batchSize(), "epochs " + t.epochs(), "warmup_epochs " + t.warmupEpochs(),
                "base_lr " + t.baseLr(), "width " + cfg.method().width(), "embedding " + cfg.method().embedding(),
                "sim_coeff " + v.simCoeff(), "std_coeff " + v.stdCoeff(), "cov_coeff " + v.covCoeff(),
                "skip_first_step_vc " + v.skipFirstStepVc(), "weight_decay " + t.weightDecay(), "eta " + t.eta(),
                "momentum " + t.momentum()));
        params(net, "p0_");

        // the whole training split in id order: the orders below index it by sequence id
        List<Batch> all = list(new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), method.trainingSplit(), size, norm).inOrder(t.batchSize()));
        write("train_frames", concat(all, Batch::frames));
        write("train_actions", concat(all, Batch::actions));

        // the gradient of the first batch at the initial parameters, on a second network built the same way, so that
        // the trained one sees only the Trainer's calls (the loss layer returns B·L and DL4J divides by B in the updater)
        Batch b0 = train.epoch(0).next();
        var twin = method.build(params, dots, t, train.batchesPerEpoch()).graph();
        if (!twin.params().equals(net.graph().params())) throw new IllegalStateException("the initialisation is not reproducible");
        twin.setInputs(b0.frames(), b0.actions());
        twin.setLabels(method.labels(b0));
        twin.computeGradientAndScore();
        for (var e : twin.gradient().gradientForVariable().entrySet()) write("g_" + e.getKey(), e.getValue().div(b0.size()));

        StringBuilder orders = new StringBuilder(), losses = new StringBuilder();
        long step = 0;
        for (int epoch = 0; epoch < t.epochs(); epoch++) {
            for (long id : order.ids(epoch)) orders.append(id).append(' ');
            orders.append('\n');
            for (Iterator<Batch> it = train.epoch(epoch); it.hasNext(); ) {
                net.graph().fit(method.dataSet(it.next()));
                losses.append(net.graph().score()).append('\n');
                if (++step == 1) params(net, "p1_");
            }
        }
        params(net, "pF_");
        Files.writeString(out.resolve("orders.txt"), orders.toString());
        Files.writeString(out.resolve("losses.txt"), losses.toString());

        // the probe splits, read as RunProtocol.generatedSplits reads them
        for (Split s : List.of(Split.PROBE_TRAIN, Split.TEST)) {
            long count = s == Split.TEST ? d.test() : d.probeTrain();
            List<Batch> split = list(new GeneratedBatches(cfg.world(), cfg.noise(), d.seed(), s, count, norm).inOrder(cfg.probe().batchSize()));
            String k = s == Split.TEST ? "te" : "pt";
            write(k + "_frames", concat(split, Batch::frames));
            write(k + "_actions", concat(split, Batch::actions));
            write(k + "_locs", concat(split, Batch::locations));
        }

        // the sweep's own run of this config, from scratch: it must end at the same parameters
        Path runDir = out.resolve("run");
        if (Files.exists(runDir)) try (var files = Files.walk(runDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        RunProtocol.Result sweep = RunProtocol.run(cfg, runDir, System.out::println);
        INDArray sweepParams = Checkpoints.restore(runDir.resolve("model.zip"), false).params();
        double diff = sweepParams.sub(net.graph().params()).amaxNumber().doubleValue();
        if (diff != 0) throw new IllegalStateException("the sweep's run ended elsewhere: max |Δθ| = " + diff);
        double mse = sweep.metrics().stream().filter(r -> r.probe().equals(ProbeEvaluation.ROLLOUT))
                .mapToDouble(MetricRow::mse).average().orElse(Double.NaN);
        run.add("sweep_rollout_rmse " + Math.sqrt(mse));   // the report's number: √ of the mean MSE over steps and dots

        Files.write(out.resolve("run.txt"), run);
        Files.writeString(out.resolve("index.txt"), INDEX.toString());
        System.out.printf("dumped %d steps to %s; RunProtocol.run ends at the same parameters, rollout RMSE %.4f%n", step, out, Math.sqrt(mse));
    }

    static List<Batch> list(Iterator<Batch> batches) {
        List<Batch> l = new ArrayList<>();
        batches.forEachRemaining(l::add);
        return l;
    }

    static INDArray concat(List<Batch> batches, Function<Batch, INDArray> part) {
        return Nd4j.concat(0, batches.stream().map(part).toArray(INDArray[]::new));
    }

    static void params(JepaNetwork net, String prefix) throws Exception {
        for (var v : net.graph().getVertices()) {
            Map<String, INDArray> t = v.paramTable(false);
            if (t != null) for (var e : t.entrySet()) write(prefix + v.getVertexName() + "." + e.getKey(), e.getValue());
        }
    }

    static void write(String name, INDArray a) throws Exception {
        INDArray c = a.castTo(DataType.FLOAT).dup('c');
        ByteBuffer bb = ByteBuffer.allocate((int) c.length() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : c.data().asFloat()) bb.putFloat(f);
        Files.write(out.resolve(name + ".bin"), bb.array());
        INDEX.append(name).append(' ').append(Arrays.toString(c.shape()).replace(" ", "")).append('\n');
    }
}
