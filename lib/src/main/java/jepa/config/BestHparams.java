package jepa.config;

import jepa.method.Methods;
import jepa.world.MovingDots;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference code's 144 best configurations of seed 000 (its "best" yaml files, {@code jepa/best_hparams.csv}: noise
 * temporal, kind, α, method, world, then the keys that vary), mapped to this project's keys: the centres of a sweep's
 * hyper-parameter search. Only keys with a counterpart here are mapped (batch size and the supervised baseline's
 * architecture changes are not).
 */
public final class BestHparams {
    static final String RESOURCE = "jepa/best_hparams.csv";

    private static volatile List<Map<String, String>> rows;

    private BestHparams() {}

    /** The reference's best value of {@code key} for the cell, when the reference has the cell and the key a counterpart. */
    public static Optional<Double> centre(String world, String kind, String temporal, double alpha, String method, String key) {
        String column = Methods.type(method).referenceColumns().get(key);
        if (column == null) return Optional.empty();
        String type = world.equals(MovingDots.THREE_DOTS.kind()) ? "Multiple" : "Single";
        for (Map<String, String> r : rows())
            if (r.get("temp").equals(temporal) && r.get("kind").equals(kind) && r.get("meth").equals(method)
                    && r.get("dataset_type").equals(type) && Math.abs(Double.parseDouble(r.get("alpha")) - alpha) < 1e-9)
                return Optional.of(Double.parseDouble(r.get(column)));
        return Optional.empty();
    }

    static List<Map<String, String>> rows() {
        if (rows == null) rows = read();
        return rows;
    }

    private static List<Map<String, String>> read() {
        try (InputStream in = BestHparams.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> header = Arrays.asList(r.readLine().split(",", -1));
            List<Map<String, String>> out = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) continue;
                String[] f = line.split(",", -1);
                if (f.length != header.size()) throw new IllegalStateException(RESOURCE + ": " + f.length + " fields, expected " + header.size() + ": " + line);
                Map<String, String> m = new HashMap<>();
                for (int i = 0; i < f.length; i++) m.put(header.get(i), f[i]);
                out.add(m);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
