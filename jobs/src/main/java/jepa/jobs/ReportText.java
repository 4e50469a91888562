package jepa.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The report's text: CSV of query results and the Markdown of report.md and table1.md (formatting only, no maths). */
final class ReportText {
    /** Fig. 3/5 panels: (temporal, kind), rows uniform then structured, columns fixed then changing. */
    static final List<String[]> PANELS = List.of(new String[]{"fixed", "uniform"}, new String[]{"changing", "uniform"},
            new String[]{"fixed", "structured"}, new String[]{"changing", "structured"});

    private ReportText() {}

    /** A collected query result with its column names (kept even when there are no rows). */
    record Table(String[] columns, List<Row> rows) {
        static Table of(Dataset<Row> d) { return new Table(d.columns(), d.collectAsList()); }

        String csv() {
            StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
            for (Row r : rows) {
                for (int i = 0; i < r.length(); i++) {
                    if (i > 0) b.append(',');
                    b.append(r.isNullAt(i) ? "" : Sql.csvField(field(r, i)));
                }
                b.append('\n');
            }
            return b.toString();
        }

        /** A value as text; an array's elements joined by spaces (Spark hands arrays over as Scala sequences). */
        private static String field(Row r, int i) {
            if (r.schema() != null && r.schema().fields()[i].dataType() instanceof org.apache.spark.sql.types.ArrayType)
                return String.join(" ", r.getList(i).stream().map(String::valueOf).toList());
            return String.valueOf(r.get(i));
        }
    }

    static String markdown(String header, List<Row> table1, List<Row> fig3, List<Row> fig5, List<Row> slow, List<Row> hierarchy,
                           List<Row> planning, List<Row> perStep, String setting, boolean training, List<String> files) {
        StringBuilder b = new StringBuilder(header).append('\n');
        b.append("## Table 1: 3-dot world (rollout RMSE, mean ± std over seeds)\n\n");
        b.append(table1.isEmpty() ? "No finished 3-dot world runs with metrics.\n" : table1(table1)).append('\n');
        if (table1.stream().anyMatch(r -> r.getAs("paper_average") != null))
            b.append("The paper's Table 1 (3-dot world, no noise) beside ours, and ours minus the paper's: ![Table 1 vs the paper](table1.png)\n\n");

        b.append("## Fig. 3: RMSE vs α, single dot, hyper-parameters chosen per cell (mean ± std over seeds)\n\n");
        if (fig3.isEmpty()) b.append("No finished single-dot runs with metrics.\n\n");
        else {
            b.append("![Fig. 3: RMSE vs alpha](fig3.png)\n\n");
            for (String[] panel : panels(fig3)) b.append(fig3Panel(fig3, panel[0], panel[1])).append('\n');
        }

        if (!fig5.isEmpty()) {
            b.append("## Fig. 5: the noise-free cell's hyper-parameters held fixed, single dot\n\n")
                    .append("![Fig. 5: RMSE vs alpha, hyper-parameters of alpha = 0](fig5.png)\n\n");
            for (String[] panel : panels(fig5)) b.append(fig3Panel(fig5, panel[0], panel[1])).append('\n');
        }

        b.append("## Slow features: rollout RMSE per method and noise setting (mean ± std over seeds)\n\n")
                .append("A JEPA that latches onto what does not change over time fails under fixed noise and, in the 3-dot world, on "
                        + "the dots that move. Columns: all dots, then each dot of the 3-dot world.\n\n").append(slowFeatures(slow)).append('\n');

        if (!hierarchy.isEmpty()) {
            b.append("## H-JEPA: level 2 against level 1 at the windows' last frames (rollout RMSE, mean ± std over seeds)\n\n")
                    .append("| method | world | noise | α | seeds | level 2 | level 1 |\n|---|---|---|---|---|---|---|\n");
            for (Row r : hierarchy)
                b.append("| ").append(r.<String>getAs("method")).append(" | ").append(r.<String>getAs("world")).append(" | ").append(noise(r))
                        .append(" | ").append(r.<Object>getAs("alpha")).append(" | ").append(r.<Long>getAs("seeds")).append(" | ")
                        .append(meanStd(r, "level2")).append(" | ").append(meanStd(r, "level1")).append(" |\n");
            b.append('\n');
        }

        if (!planning.isEmpty()) {
            b.append("## Planning: goal reaching with the learned world model (success rate and final distance, mean ± std over seeds)\n\n")
                    .append("Success: the dot ends within the radius of the goal after executing the 16 planned actions in the true world. "
                            + "The oracle walks the straight line (through the door around a wall); random acts at random. Each run's "
                            + "`planning.png` draws plans predicted (orange) against executed (white).\n\n")
                    .append("| task | method | noise | α | planner | seeds | success | final px |\n|---|---|---|---|---|---|---|---|\n");
            for (Row r : planning)
                b.append("| ").append(r.<String>getAs("task")).append(" | ").append(r.<String>getAs("method")).append(" | ").append(noise(r))
                        .append(" | ").append(r.<Object>getAs("alpha")).append(" | ").append(r.<String>getAs("planner")).append(" | ")
                        .append(r.<Long>getAs("seeds")).append(" | ").append(meanStd(r, "success")).append(" | ").append(meanStd(r, "final_px"))
                        .append(" |\n");
            b.append('\n');
        }

        b.append("## Per-step rollout RMSE: ").append(setting).append("\n\n");
        if (perStep.isEmpty()) b.append("No runs in this setting.\n\n");
        else b.append("![per-step RMSE](per_step.png)\n\n").append(perStepTable(perStep)).append('\n');

        b.append("## Training diagnostics: ").append(setting).append("\n\n");
        b.append(training ? "![diagnostics](diagnostics.png)\n\nEncoder feature std, RankMe and effective rank of the frame-1 "
                + "embeddings per epoch, and the training loss, per run (data: diagnostics.csv).\n\n"
                : "No diagnostics or training curves for these runs.\n\n");
        b.append("## Files\n\n").append(String.join(", ", files.stream().map(f -> "`" + f + "`").toList()))
                .append(" (selection.csv: the hyper-parameter choice per cell).\n");
        return b.toString();
    }

    /** Table 1: ours (mean ± std over seeds), and where the paper has the cell (no noise), its value and our difference. */
    static String table1(List<Row> rows) {
        StringBuilder b = new StringBuilder("| method | noise | α | seeds | Average | Action | Random | Stationary | selection |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.<String>getAs("method")).append(" | ").append(noise(r)).append(" | ").append(r.<Object>getAs("alpha"))
                    .append(" | ").append(r.<Long>getAs("n_seeds"));
            for (String c : TABLE1_COLUMNS) b.append(" | ").append(withPaper(r, c));
            b.append(" | ").append(r.<String>getAs("selection")).append(" |\n");
        }
        return b.toString();
    }

    /** One line per method and cell: all, action, random, stationary. */
    static String slowFeatures(List<Row> rows) {
        if (rows.isEmpty()) return "No runs.\n";
        Map<String, Map<String, String>> lines = new LinkedHashMap<>();
        for (Row r : rows) {
            String key = "| " + r.getAs("method") + " | " + r.getAs("world") + " | " + noise(r) + " | " + r.getAs("alpha") + " |";
            lines.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.getAs("dot"), meanStd(r, "rmse") + " (" + r.getAs("seeds") + ")");
        }
        StringBuilder b = new StringBuilder("| method | world | noise | α | all | action | random | stationary |\n|---|---|---|---|---|---|---|---|\n");
        lines.forEach((k, v) -> {
            b.append(k);
            for (String d : List.of("all", "action", "random", "stationary")) b.append(' ').append(v.getOrDefault(d, "–")).append(" |");
            b.append('\n');
        });
        return b.toString();
    }

    static final List<String> TABLE1_COLUMNS = List.of("average", "action", "random", "stationary");

    /** "ours ± std (paper p, Δ +d)", or ours alone where the paper has no such cell. */
    static String withPaper(Row r, String column) {
        String ours = meanStd(r, column);
        Double paper = r.getAs("paper_" + column), mean = r.getAs(column + "_mean");
        if (paper == null) return ours;
        return ours + " (paper " + fmt(paper) + (mean == null ? "" : String.format(Locale.ROOT, ", Δ %+.3f", mean - paper)) + ")";
    }

    /** The standard panels that have rows, then any other (temporal, kind) found. */
    static List<String[]> panels(List<Row> fig3) {
        Set<String> seen = new LinkedHashSet<>();
        for (Row r : fig3) seen.add(r.getAs("noise_temporal") + " " + r.getAs("noise_kind"));
        List<String[]> out = new ArrayList<>();
        for (String[] p : PANELS) if (seen.remove(p[0] + " " + p[1])) out.add(p);
        for (String s : seen) out.add(s.split(" ", 2));
        return out;
    }

    static boolean inPanel(Row r, String temporal, String kind) {
        return temporal.equals(String.valueOf(r.<Object>getAs("noise_temporal"))) && kind.equals(String.valueOf(r.<Object>getAs("noise_kind")));
    }

    /** One noise setting: methods as rows, α as columns. */
    static String fig3Panel(List<Row> fig3, String temporal, String kind) {
        Set<Float> alphas = new java.util.TreeSet<>();
        Map<String, Map<Float, String>> cells = new LinkedHashMap<>();
        for (Row r : fig3) {
            if (!inPanel(r, temporal, kind)) continue;
            float a = r.<Float>getAs("alpha");
            alphas.add(a);
            cells.computeIfAbsent(r.getAs("method"), m -> new LinkedHashMap<>()).put(a, meanStd(r, "rmse"));
        }
        StringBuilder b = new StringBuilder("### ").append(temporal).append(' ').append(kind).append(" noise\n\n| method |");
        for (float a : alphas) b.append(" α = ").append(a).append(" |");
        b.append("\n|---|").append("---|".repeat(alphas.size())).append('\n');
        for (Map.Entry<String, Map<Float, String>> e : cells.entrySet()) {
            b.append("| ").append(e.getKey()).append(" |");
            for (float a : alphas) b.append(' ').append(e.getValue().getOrDefault(a, "–")).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    /** Methods as rows, steps 0–16 as columns (means). */
    static String perStepTable(List<Row> perStep) {
        Set<Integer> steps = new java.util.TreeSet<>();
        Map<String, Map<Integer, Double>> cells = new LinkedHashMap<>();
        for (Row r : perStep) {
            int t = r.<Integer>getAs("step");
            steps.add(t);
            cells.computeIfAbsent(r.getAs("method"), m -> new LinkedHashMap<>()).put(t, r.getAs("rmse_mean"));
        }
        StringBuilder b = new StringBuilder("| method |");
        for (int t : steps) b.append(' ').append(t).append(" |");
        b.append("\n|---|").append("---|".repeat(steps.size())).append('\n');
        for (Map.Entry<String, Map<Integer, Double>> e : cells.entrySet()) {
            b.append("| ").append(e.getKey()).append(" |");
            for (int t : steps) {
                Double v = e.getValue().get(t);
                b.append(' ').append(v == null ? "–" : fmt(v)).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String noise(Row r) { return r.getAs("noise_temporal") + " " + r.getAs("noise_kind"); }

    /** "mean ± std", or the mean alone when there is one seed (std undefined) or none. */
    static String meanStd(Row r, String name) {
        Double mean = r.getAs(name + "_mean"), std = r.getAs(name + "_std");
        if (mean == null) return "–";
        return std == null ? fmt(mean) : fmt(mean) + " ± " + fmt(std);
    }

    static String fmt(double v) { return String.format(Locale.ROOT, "%.3f", v); }
}
