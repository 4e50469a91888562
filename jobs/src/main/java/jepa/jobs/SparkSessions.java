package jepa.jobs;

import jepa.config.JepaConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession: spark-submit's (or --master's) master wins, else the config's. */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession create(JepaConfig cfg, String appName, String masterOverride) {
        SparkConf conf = new SparkConf(true);   // picks up spark.* system properties set by spark-submit
        String master = masterOverride != null ? masterOverride : conf.get("spark.master", cfg.spark().master());
        SparkSession.Builder b = SparkSession.builder().appName("jepa " + appName).master(master)
                .config("spark.sql.parquet.compression.codec", codec(cfg))
                .config("spark.sql.session.timeZone", "UTC")
                // one ND4J (OpenMP) thread per task core: tasks share an executor's cores
                .config("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1")))
                // idle OpenMP threads sleep: spinning ones take the task's cores from the project's Java loops
                .config("spark.executorEnv.OMP_WAIT_POLICY", conf.get("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE"))
                // and so do OpenBLAS's own threads (they call sched_yield for ~0.1 s after each gemm by default)
                .config("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT", conf.get("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT", "4"));
        if (cfg.parallel().averaging() && appName.equals("train"))
            // parameter averaging ships INDArrays (batches, parameters, updater state): Kryo with ND4J's registrator
            b.config("spark.serializer", conf.get("spark.serializer", "org.apache.spark.serializer.KryoSerializer"))
                    .config("spark.kryo.registrator", conf.get("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator"));
        if (master.startsWith("local")) {
            b.config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                    .config("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"))
                    .config("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"))
                    .config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "4"))
                    // a training task can starve the heartbeat thread on a busy laptop: 120 s made local[*] drop its
                    // only executor (and re-run its tasks) while the machine was oversubscribed
                    .config("spark.network.timeout", conf.get("spark.network.timeout", "600s"));
        }
        SparkSession spark = b.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** A job's main: validated config, a session for {@code job}, the job's one-line result printed, the session stopped. */
    static void run(Args args, String job, java.util.function.BiFunction<SparkSession, JepaConfig, String> body) {
        JepaConfig cfg = args.config();
        SparkSession spark = create(cfg, job, args.master());
        try {
            Main.RESULTS.println(body.apply(spark, cfg));
        } finally {
            spark.stop();
        }
    }

    /**
     * The cores the driver holds: local → 1, local[N] / local[N, F] → N, local[*] → all of this machine's, otherwise
     * spark.driver.cores (default 1).
     */
    static int driverCores(SparkSession spark) {
        return driverCores(spark.sparkContext().master(), spark.sparkContext().getConf());
    }

    static int driverCores(String master, SparkConf conf) {
        if (master.equals("local")) return 1;
        java.util.regex.Matcher m = LOCAL.matcher(master);
        if (m.matches()) return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(m.group(1)));
        return Math.max(1, conf.getInt("spark.driver.cores", 1));
    }

    private static final java.util.regex.Pattern LOCAL = java.util.regex.Pattern.compile("local\\[([0-9]+|\\*)(,[0-9]+)?]");

    static String codec(JepaConfig cfg) {
        String c = cfg.spark().parquetCompression();
        return c.equals("none") ? "uncompressed" : c;
    }
}
