package jepa.jobs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the process's System.out becomes: everything goes on to stderr (stdout carries only results, so `--csv` output
 * stays parseable), except SameDiff's "Added differentiated op …" lines, which DL4J M2.1 prints with println on every
 * graph's first backward pass and which say nothing to a user.
 */
final class QuietStdout extends OutputStream {
    static final String CHATTER = "Added differentiated op ";

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private QuietStdout(PrintStream target) { this.target = target; }

    static PrintStream over(PrintStream target) { return new PrintStream(new QuietStdout(target), true, StandardCharsets.UTF_8); }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') flushLine();
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0 && !startsWithChatter()) flushLine();
        target.flush();
    }

    private boolean startsWithChatter() {
        byte[] c = CHATTER.getBytes(StandardCharsets.UTF_8), b = line.toByteArray();
        if (b.length < c.length) return new String(c, StandardCharsets.UTF_8).startsWith(line.toString(StandardCharsets.UTF_8));
        for (int i = 0; i < c.length; i++) if (b[i] != c[i]) return false;
        return true;
    }

    private void flushLine() {
        if (!startsWithChatter()) target.write(line.toByteArray(), 0, line.size());
        line.reset();
    }
}
