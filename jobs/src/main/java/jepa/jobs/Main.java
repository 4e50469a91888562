package jepa.jobs;

import jepa.settings.ConfigError;

/** Entry point of every job: {@code jepa.jobs.Main <job> [CONF] [key=value ...]}. */
public final class Main {
    /** Where results go (the real stdout); everything else goes to stderr, so `--csv` output stays parseable. */
    public static final java.io.PrintStream RESULTS = System.out;

    /** Progress lines of work running on the driver (training): printed once, on stderr. */
    public static final java.util.function.Consumer<String> PROGRESS = System.err::println;

    private Main() {}

    public static void main(String[] argv) throws Exception {
        System.setOut(QuietStdout.over(System.err));
        try {
            Args args = Args.parse(argv);
            jepa.accel.Backend.use(args.config().compute().backend());
            if (args.printMaster()) {   // for submit/jepa: the master spark-submit should use
                RESULTS.println(args.master() != null ? args.master() : args.config().spark().master());
                return;
            }
            switch (args.job()) {
                case "generate" -> Generate.run(args);
                case "sql" -> Sql.run(args);
                case "train" -> Train.run(args);
                case "probe" -> Probe.run(args);
                case "bench" -> Bench.run(args);
                case "sweep" -> Sweep.run(args);
                case "report" -> Report.run(args);
                case "pipeline" -> Pipeline.run(args);
                case "config" -> RESULTS.println(args.config().render());
                default -> throw new ConfigError("unknown job '" + args.job() + "' (jobs: pipeline, generate, train, probe, sweep, report, bench, sql, config)");
            }
        } catch (ConfigError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {      // Spark's job failures are checked exceptions
            java.util.Optional<String> bad = BadData.explain(e);
            if (bad.isEmpty()) throw e;
            System.err.println("error: " + bad.get());
            System.exit(2);
        }
    }
}
