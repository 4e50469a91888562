package jepa.train;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/** A run folder's progress: epochs done, optimizer steps, status, reason, seconds. */
public record RunState(int epochsDone, long steps, RunStatus status, String reason, double seconds) {

    static final String FILE = "state.properties";

    RunState with(int epochs, long steps, double seconds) { return new RunState(epochs, steps, status, reason, seconds); }

    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("epochs_done", String.valueOf(epochsDone));
        p.setProperty("steps", String.valueOf(steps));
        p.setProperty("status", status.id());
        p.setProperty("reason", reason);
        p.setProperty("seconds", String.valueOf(seconds));
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "jepa-spark run state");
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static RunState read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunState(Integer.parseInt(p.getProperty("epochs_done")), Long.parseLong(p.getProperty("steps")),
                RunStatus.of(p.getProperty("status")), p.getProperty("reason", ""), Double.parseDouble(p.getProperty("seconds", "0")));
    }
}
