package jepa.train;

/** Where a run stands, as the runs table and a run folder's state file name it. */
public enum RunStatus {
    RUNNING, FINISHED, FAILED;

    /** The name in tables and files. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static RunStatus of(String id) {
        for (RunStatus s : values()) if (s.id().equals(id)) return s;
        throw new IllegalArgumentException("unknown run status '" + id + "', expected running, finished or failed");
    }
}
