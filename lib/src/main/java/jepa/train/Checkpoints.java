package jepa.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reading a run's model zip back. DL4J stores every configuration class by its full name; classes the project has
 * since moved or renamed are mapped to their present names before the configuration is read, so checkpoints written
 * by earlier versions keep loading (and resuming).
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Former class name → present class name. */
    static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("jepa.train.LarsRegularization", "jepa.optim.LarsRegularization"),
            Map.entry("jepa.train.Momentum", "jepa.optim.Momentum"),
            Map.entry("jepa.train.WarmupCosineSchedule", "jepa.optim.WarmupCosineSchedule"),
            Map.entry("jepa.nn.ContiguousConvolution", "jepa.accel.conv.Conv2d"),
            Map.entry("jepa.nn.UpsampledConvolution", "jepa.accel.conv.UpsampledConv2d"),
            Map.entry("jepa.nn.FastBatchNorm", "jepa.accel.batchnorm.BatchNorm"),
            Map.entry("jepa.nn.ContiguousDense", "jepa.accel.dense.Linear"),
            Map.entry("jepa.nn.ContiguousAvgPool", "jepa.accel.dense.AvgPool2d"),
            Map.entry("jepa.nn.Gru", "jepa.accel.gru.Gru"),
            Map.entry("jepa.method.VicregLoss", "jepa.accel.loss.VicregLoss"),
            Map.entry("jepa.method.InfoNceLoss", "jepa.accel.loss.InfoNceLoss"));

    public static ComputationGraph restore(Path zip, boolean withUpdater) {
        try {
            return restore(Files.readAllBytes(zip), withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + zip, e);
        }
    }

    public static ComputationGraph restore(byte[] zip, boolean withUpdater) {
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(renamed(zip)), withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a model zip", e);
        }
    }

    /** The zip with its configuration's class names brought up to date (the same bytes when nothing was renamed). */
    static byte[] renamed(byte[] zip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(zip.length);
        boolean changed = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip)); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("configuration.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8), before = json;
                    for (Map.Entry<String, String> r : RENAMED.entrySet()) json = json.replace("\"" + r.getKey() + "\"", "\"" + r.getValue() + "\"");
                    changed = !json.equals(before);
                    bytes = json.getBytes(StandardCharsets.UTF_8);
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(bytes);
                z.closeEntry();
            }
        }
        return changed ? out.toByteArray() : zip;
    }

    /** For callers holding a stream. */
    public static ComputationGraph restore(InputStream in, boolean withUpdater) throws IOException {
        return restore(in.readAllBytes(), withUpdater);
    }
}
