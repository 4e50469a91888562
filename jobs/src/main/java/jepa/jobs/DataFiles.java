package jepa.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Files under the data root through Hadoop's FileSystem (a local folder, HDFS or an object store alike).
 * Outputs are published whole: written into a hidden staging folder beside the target, then renamed into place.
 */
public final class DataFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Configuration conf;

    public DataFiles(Configuration conf) { this.conf = conf; }

    public FileSystem fs(String path) {
        try {
            return new Path(path).getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String path) {
        try {
            return fs(path).exists(new Path(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh staging folder name beside {@code target}: ".<name>.tmp-<uuid>" (ignored by every reader). */
    public String staging(String target) {
        Path t = new Path(target);
        return new Path(t.getParent(), "." + t.getName() + ".tmp-" + UUID.randomUUID()).toString();
    }

    /** Moves a finished staging folder to {@code target}, replacing an existing target only when asked. */
    public void publish(String staging, String target, boolean replace) {
        Path s = new Path(staging), t = new Path(target);
        try {
            FileSystem fs = fs(target);
            Path old = null;
            if (fs.exists(t)) {
                if (!replace) throw new IllegalStateException(target + " already exists");
                old = new Path(t.getParent(), "." + t.getName() + ".old-" + UUID.randomUUID());
                if (!fs.rename(t, old)) throw new IOException("cannot move " + t + " aside");
            }
            if (!fs.rename(s, t)) throw new IOException("cannot rename " + s + " to " + t);
            if (old != null) fs.delete(old, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes staging folders left by interrupted runs beside {@code target}. */
    public void removeStale(String target) {
        Path t = new Path(target);
        try {
            FileSystem fs = fs(target);
            if (!fs.exists(t.getParent())) return;
            for (FileStatus st : fs.listStatus(t.getParent()))
                if (st.getPath().getName().startsWith("." + t.getName() + ".tmp-") || st.getPath().getName().startsWith("." + t.getName() + ".old-"))
                    fs.delete(st.getPath(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(String path) {
        try {
            fs(path).delete(new Path(path), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(String path, Object value) {
        try (FSDataOutputStream out = fs(path).create(new Path(path), true)) {
            JSON.writeValue((java.io.OutputStream) out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> readJson(String path) {
        try (FSDataInputStream in = fs(path).open(new Path(path))) {
            return JSON.readValue((java.io.InputStream) in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Paths matching a glob (e.g. data/*&#47;*&#47;dataset.json), sorted. */
    public List<String> glob(String pattern) {
        try {
            FileStatus[] st = fs(pattern).globStatus(new Path(pattern));
            List<String> out = new ArrayList<>();
            if (st != null) for (FileStatus s : st) out.add(s.getPath().toString());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
