package jepa.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An append-only CSV file with a header (curves, diagnostics); truncation by a numeric key for resumes. */
final class CsvLog {
    private final Path file;
    private final String header;
    private final List<String> pending = new ArrayList<>();

    CsvLog(Path file, String header) {
        this.file = file;
        this.header = header;
    }

    void append(Object... values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) b.append(',');
            Object v = values[i];
            b.append(v instanceof Double d ? String.format(Locale.ROOT, "%.8g", d) : String.valueOf(v));
        }
        pending.add(b.toString());
    }

    void flush() {
        try {
            boolean fresh = !Files.exists(file);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                if (fresh) w.write(header + "\n");
                for (String l : pending) w.write(l + "\n");
            }
            pending.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the header and the rows whose column {@code col} is ≤ {@code max}. */
    static void truncate(Path file, int col, long max) throws IOException {
        if (!Files.exists(file)) return;
        List<String> lines = Files.readAllLines(file);
        List<String> keep = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
            if (i == 0 || Long.parseLong(lines.get(i).split(",")[col]) <= max) keep.add(lines.get(i));
        Files.write(file, keep);
    }
}
