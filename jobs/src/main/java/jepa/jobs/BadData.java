package jepa.jobs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failure to read a dataset's Parquet files (truncated, corrupted, not Parquet at all) into the one-line error
 * a user can act on: which file, and how to make it again. Anything else is left to propagate.
 */
final class BadData {
    private BadData() {}

    private static final Pattern FILE = Pattern.compile("((?:file:|hdfs:|s3a?:)?/[^\\s,;'\"]+?\\.parquet)");
    private static final String[] SIGNS = {"ParquetDecodingException", "ChecksumException", "not a Parquet file", "EOFException",
            "Could not read footer", "expected magic number", "can not read class org.apache.parquet", "CorruptStatistics",
            "Can not read value", "Premature EOF", "is corrupt", "SchemaColumnConvertNotSupportedException"};

    /** The error line for a damaged dataset file, when {@code e} is one. */
    static Optional<String> explain(Throwable e) {
        String file = null;
        boolean damaged = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getClass().getName() + ": " + t.getMessage();
            for (String s : SIGNS) if (text.contains(s)) damaged = true;
            Matcher m = FILE.matcher(String.valueOf(t.getMessage()));
            if (file == null && m.find()) file = m.group(1);
        }
        if (!damaged) return Optional.empty();
        return Optional.of("dataset file " + (file != null ? file : "(unknown)") + " cannot be read (truncated or corrupted): "
                + "regenerate the dataset with submit/jepa generate <conf> dataset.overwrite=true");
    }
}
