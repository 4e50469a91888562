package jepa.jobs;

import jepa.config.JepaConfig;
import jepa.config.SweepGrid;
import jepa.world.CartPole;
import jepa.world.CartPoleRenderer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 003's world through the jobs: random-policy episodes as Parquet (the same rows for any partitioning; the
 * physics checkable from outside through the {@code cartpole} view), and a tiny sweep of agents whose returns,
 * curves and Fig. 3 land in the tables and the report.
 */
class CartPoleJobsTest extends SparkTest {
    @TempDir Path dir;

    private JepaConfig config(String root, String... extra) {
        List<String> o = new ArrayList<>(List.of("data-root=" + root, "world.kind=cartpole", "method.name=state", "dataset.name=random-policy",
                "cartpole.episodes=12", "cartpole.frame-width=16", "cartpole.frame-height=16", "agent.embedding=8", "agent.patch-size=8",
                "agent.depth=1", "agent.heads=2", "agent.mlp-width=16", "agent.predictor-width=8", "ppo.num-envs=2", "ppo.num-steps=16",
                "ppo.num-minibatches=2", "ppo.update-epochs=1", "ppo.total-steps=96", "sweep.worlds=[cartpole]", "sweep.methods=[state]",
                "sweep.noise-temporals=[changing]", "sweep.seeds=[1]"));
        o.addAll(Arrays.asList(extra));
        return JepaConfig.load(null, o);
    }

    @Test
    void episodesAreTheSameForAnyPartitioningAndFollowThePhysics() {
        String a = dir.resolve("a").toString(), b = dir.resolve("b").toString();
        Generate.Result r = Generate.generate(spark, config(a, "spark.partitions=1"), false);
        Generate.generate(spark, config(b, "spark.partitions=5"), false);
        assertEquals(12L, r.counts().get("episodes"));
        String path = "/cartpole/random-policy";
        assertEquals(List.of("episode", "step", "x", "x_dot", "theta", "theta_dot", "action", "reward", "terminated", "truncated", "frame"),
                Arrays.asList(spark.read().parquet(a + path).columns()));
        List<Row> ra = spark.read().parquet(a + path).orderBy("episode", "step").collectAsList();
        List<Row> rb = spark.read().parquet(b + path).orderBy("episode", "step").collectAsList();
        assertEquals(r.counts().get("steps"), (long) ra.size());
        assertEquals(ra.size(), rb.size());
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(ra.get(i).toSeq().take(10), rb.get(i).toSeq().take(10));
            assertArrayEquals((byte[]) ra.get(i).getAs("frame"), (byte[]) rb.get(i).getAs("frame"));
        }
        // from outside, through the view: each row's state is the dynamics applied to the previous row's state and action
        List<Row> v = Sql.query(spark, a, "SELECT episode, step, x, x_dot, theta, theta_dot, action, terminated, truncated, frame FROM cartpole "
                + "ORDER BY episode, step").collectAsList();
        CartPoleRenderer renderer = new CartPoleRenderer(16, 16, 1, 4);
        int ends = 0;
        for (int i = 0; i < v.size(); i++) {
            Row row = v.get(i);
            CartPole.State s = new CartPole.State(row.getDouble(2), row.getDouble(3), row.getDouble(4), row.getDouble(5));
            assertArrayEquals(renderer.render(s), (byte[]) row.getAs("frame"), "the frame is the state's");
            boolean end = row.getBoolean(7) || row.getBoolean(8);
            if (end) {
                ends++;
                assertTrue(CartPole.failed(CartPole.next(s, row.getInt(6))) == row.getBoolean(7));
                continue;
            }
            Row next = v.get(i + 1);
            assertEquals(row.getLong(0), next.getLong(0));
            assertEquals(row.getInt(1) + 1, next.getInt(1));
            CartPole.State expected = CartPole.next(s, row.getInt(6));
            assertEquals(expected, new CartPole.State(next.getDouble(2), next.getDouble(3), next.getDouble(4), next.getDouble(5)));
        }
        assertEquals(12, ends, "every episode ends once");
    }

    @Test
    void agentSweepFillsReturnsCurvesAndFig3() throws Exception {
        String root = dir.resolve("s").toString();
        JepaConfig cfg = config(root, "sweep.methods=[state,jepa-only+reg]");
        assertEquals(2, SweepGrid.expand(cfg).size());
        String out = Sweep.sweep(spark, cfg);
        assertTrue(out.contains("2 runs done") && out.contains("(0 failed)"), out);
        List<Row> runs = Sql.query(spark, root, "SELECT method, status, steps, n_params FROM runs ORDER BY method").collectAsList();
        assertEquals(List.of("jepa-only+reg", "state"), runs.stream().map(r -> r.getString(0)).toList());
        for (Row r : runs) {
            assertEquals("finished", r.getString(1));
            assertEquals(96L, r.getLong(2), "env steps");
        }
        List<Row> returns = Sql.query(spark, root, "SELECT variant, seed, count(*), max(env_step) FROM returns GROUP BY variant, seed ORDER BY variant")
                .collectAsList();
        assertEquals(2, returns.size());
        for (Row r : returns) assertTrue(r.getLong(2) > 0 && r.getLong(3) <= 96, r.toString());
        List<Row> terms = Sql.query(spark, root, "SELECT DISTINCT c.term FROM curves c JOIN runs r USING (run_id) WHERE r.method = 'jepa-only+reg'")
                .collectAsList();
        List<String> names = terms.stream().map(r -> r.getString(0)).toList();
        assertTrue(names.containsAll(List.of("jepa_loss", "embedding_variance", "collapsed", "mean_return", "policy_loss")), names.toString());
        assertEquals(3, Sql.query(spark, root, "SELECT * FROM curves c JOIN runs r USING (run_id) WHERE r.method = 'jepa-only+reg' "
                + "AND c.term = 'embedding_variance'").count(), "one per update");
        Report.ReportResult rep = Report.report(spark, cfg);
        assertTrue(rep.files().contains("cartpole_fig3.png") && rep.files().contains("report.md"), rep.files().toString());
        assertTrue(Files.size(Path.of(rep.outputDir(), "cartpole_fig3.png")) > 1000);
        assertTrue(rep.markdown().contains("| jepa-only+reg | 1 |"), rep.markdown());
        assertTrue(rep.markdown().contains("- scale: **custom**"), "the report states the config's scale");
        String summary = Files.readString(Path.of(rep.outputDir(), "cartpole_summary.csv"));
        assertTrue(summary.contains("jepa-only+reg,1,1,") && !summary.contains("WrappedArray"), "arrays as plain lists: " + summary);
        assertTrue(Sweep.sweep(spark, cfg).contains("nothing to do"));
        // an agent's run is one piece: the train and probe jobs, the probed worlds' protocol in two, refuse it
        for (String job : List.of("train", "probe")) {
            String e = assertThrows(jepa.settings.ConfigError.class, () -> {
                if (job.equals("train")) Train.train(spark, cfg);
                else Probe.probe(spark, cfg);
            }).getMessage();
            assertTrue(e.contains("the " + job + " job") && e.contains("world.kind = cartpole") && e.contains("sweep"), e);
        }
    }
}
