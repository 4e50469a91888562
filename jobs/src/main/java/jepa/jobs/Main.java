package jepa.jobs;

import jepa.config.ConfigError;

/** Entry point of every job: {@code jepa.jobs.Main <job> [CONF] [key=value ...]}. */
public final class Main {
    private Main() {}

    public static void main(String[] argv) throws Exception {
        try {
            Args args = Args.parse(argv);
            if (args.printMaster()) {   // for submit/jepa: the master spark-submit should use
                System.out.println(args.master() != null ? args.master() : args.config().spark().master());
                return;
            }
            switch (args.job()) {
                case "generate" -> Generate.run(args);
                case "sql" -> Sql.run(args);
                case "train" -> Train.run(args);
                case "probe" -> Probe.run(args);
                case "pipeline" -> Pipeline.run(args);
                case "config" -> System.out.println(args.config().render());
                default -> throw new ConfigError("unknown job '" + args.job() + "' (jobs: pipeline, generate, train, probe, sql, config)");
            }
        } catch (ConfigError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }
}
