package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.config.SweepGrid;
import jepa.accel.Backend;
import jepa.train.RunProtocol;
import jepa.train.RunStatus;
import jepa.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code sweep} job: every run of the sweep grid (world × noise × α × method × seed [× hyper-parameter samples])
 * as one Spark task that runs it on one node as its world's runs go ({@link RunProtocol#run}: trained and probed, scored by
 * clusters, or an agent acting), its data streamed from the generator (the same bytes the generate job writes). A run that diverges or throws is recorded as failed with its reason and the sweep goes on.
 * Runs already finished (same config hash, status finished) are skipped; unfinished ones are re-done, resuming
 * from their checkpoints. All rows land in the result tables at the end, replacing the runs' old rows.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    private Sweep() {}

    public static void run(Args args) {
        SparkSessions.run(args, "sweep", Sweep::sweep);
    }

    /** One finished task: its rows for each result table. */
    record Rows(String runId, RunStatus status, List<Row> runs, List<Row> metrics, List<Row> curves, List<Row> diagnostics,
                List<Row> planning, List<Row> clusters, List<Row> bisimulation, List<Row> returns) implements Serializable {}

    public static String sweep(SparkSession spark, JepaConfig cfg) {
        List<List<String>> all = SweepGrid.expand(cfg);
        Set<String> done = finished(spark, cfg);
        List<List<String>> todo = new ArrayList<>();
        for (List<String> o : all) if (!done.contains(Runs.of(cfg.with(o)).hash())) todo.add(o);
        System.err.printf(Locale.ROOT, "[sweep] %d runs: %d already finished, %d to run%n", all.size(), all.size() - todo.size(), todo.size());
        if (todo.isEmpty()) return "[sweep] nothing to do: all " + all.size() + " runs finished";
        String base = cfg.render();
        long t0 = System.nanoTime();
        List<Rows> results = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(todo, todo.size())
                .map(o -> task(JepaConfig.fromRendered(base).with(o)))
                .collect();
        List<Row> runs = new ArrayList<>(), metrics = new ArrayList<>(), curves = new ArrayList<>(), diag = new ArrayList<>(),
                planning = new ArrayList<>();
        List<Row> clusters = new ArrayList<>(), bisimulation = new ArrayList<>(), returns = new ArrayList<>();
        int failed = 0;
        for (Rows r : results) {
            runs.addAll(r.runs());
            metrics.addAll(r.metrics());
            curves.addAll(r.curves());
            diag.addAll(r.diagnostics());
            planning.addAll(r.planning());
            clusters.addAll(r.clusters());
            bisimulation.addAll(r.bisimulation());
            returns.addAll(r.returns());
            if (r.status() != RunStatus.FINISHED) failed++;
        }
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "runs", runs, Runs.RUNS);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "metrics", metrics, Runs.METRICS);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "curves", curves, Runs.CURVES);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "diagnostics", diag, Runs.DIAGNOSTICS);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "planning", planning, Runs.PLANNING);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "clusters", clusters, CountingTables.CLUSTERS);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "bisimulation", bisimulation, CountingTables.BISIMULATION);
        ResultTables.replaceRuns(spark, cfg.dataRoot(), "returns", returns, Runs.RETURNS);
        return String.format(Locale.ROOT, "[sweep] %d runs done in %.0f s (%d failed), %d skipped as finished", results.size(),
                (System.nanoTime() - t0) / 1e9, failed, all.size() - todo.size());
    }

    /** Config hashes of the runs already finished with metrics. */
    static Set<String> finished(SparkSession spark, JepaConfig cfg) {
        Set<String> out = new HashSet<>();
        DataFiles files = new DataFiles(spark.sparkContext().hadoopConfiguration());
        if (!files.exists(JepaConfig.join(cfg.resultsDir(), "runs"))) return out;
        for (Row r : spark.read().parquet(JepaConfig.join(cfg.resultsDir(), "runs")).where("status = 'finished'")
                .select("config_hash").collectAsList())
            out.add(r.getString(0));
        return out;
    }

    /** Runs one configuration on this executor; never throws (an exception makes a failed run). */
    static Rows task(JepaConfig c) {
        Runs.Run run = Runs.of(c);
        Timestamp started = Runs.now();
        String backend = Backend.use(c.compute().backend()).id();
        try {
            RunProtocol.Result r = RunProtocol.run(c, run.dir(), line -> LOG.info(line));
            Trainer.Outcome o = r.outcome();
            Runs.RunRecord rec = o == null ? Runs.RunRecord.untrained(run, RunStatus.FINISHED, "", started, Runs.now(), backend)
                    : Runs.RunRecord.trained(run, o, started, Runs.now(), backend);
            return new Rows(run.id(), rec.status(), List.of(rec.row(c)), Runs.metricRows(run, r.metrics()), Runs.curveRows(run),
                    Runs.diagnosticRows(run), Runs.planningRows(run, r.planning()), CountingTables.clusterRows(run),
                    CountingTables.bisimulationRows(run, c), Runs.returnRows(run, c));
        } catch (RuntimeException e) {
            LOG.warn("run {} failed", run.id(), e);
            Runs.RunRecord rec = Runs.RunRecord.untrained(run, RunStatus.FAILED, "exception: " + e, started, Runs.now(), backend);
            return new Rows(run.id(), RunStatus.FAILED, List.of(rec.row(c)), List.of(), Runs.curveRows(run), Runs.diagnosticRows(run), List.of(),
                    CountingTables.clusterRows(run), List.of(), List.of());
        }
    }
}
