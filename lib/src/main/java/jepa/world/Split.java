package jepa.world;

/**
 * The three data sets of the reference (reference §1.9): SSL training data, probe-training data and probe-test data.
 * Probe training and testing both come from the reference's val_ds, so both use the TEST noise images (reference §1.6).
 */
public enum Split {
    TRAIN("train"), PROBE_TRAIN("probe_train"), TEST("test");

    private final String id;

    Split(String id) { this.id = id; }

    /** The name stored in the data (Parquet partition value). */
    public String id() { return id; }

    /** Whether structured noise comes from the test image set (true for probe_train and test). */
    public boolean usesTestImages() { return this != TRAIN; }

    /** The split with this id; a clear error otherwise. */
    public static Split of(String id) {
        for (Split s : values()) if (s.id.equals(id)) return s;
        throw new IllegalArgumentException("unknown split '" + id + "', expected train, probe_train or test");
    }
}
