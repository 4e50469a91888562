package jepa.jobs;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadDataTest {
    @Test
    void aDamagedParquetFileBecomesOneLineNamingIt() {
        String file = "file:/data/single/d/split=train/part-00000-c000.snappy.parquet";
        Exception spark = new RuntimeException("Job aborted due to stage failure: Task 0 in stage 0.0 failed",
                new IOException("Encountered error while reading file " + file + ". Details:",
                        new RuntimeException("org.apache.hadoop.fs.ChecksumException: Checksum error: " + file + " at 1536")));
        Optional<String> line = BadData.explain(spark);
        assertTrue(line.isPresent());
        assertTrue(line.get().startsWith("dataset file " + file + " cannot be read"), line.get());
        assertTrue(line.get().contains("dataset.overwrite=true"), line.get());
        assertTrue(BadData.explain(new RuntimeException("x", new EOFException("reading " + file))).isPresent());
    }

    @Test
    void otherFailuresAreLeftAlone() {
        assertEquals(Optional.empty(), BadData.explain(new IllegalStateException("epoch 0 had no batches")));
    }
}
