package jepa.jobs;

import jepa.config.JepaConfig;
import org.apache.spark.sql.SparkSession;

/** The main job: every stage for one config. For now: generate (an identical existing dataset is reused). */
public final class Pipeline {
    private Pipeline() {}

    public static void run(Args args) {
        JepaConfig cfg = args.config();
        Generate.checkNoiseSource(cfg.noise());
        SparkSession spark = SparkSessions.create(cfg, "pipeline", args.master());
        try {
            Main.RESULTS.println("[generate] " + Generate.generate(spark, cfg, true).describe());
            Main.RESULTS.println("query it: submit/jepa sql \"SELECT split, count(*) FROM sequences GROUP BY split\"");
        } finally {
            spark.stop();
        }
    }
}
