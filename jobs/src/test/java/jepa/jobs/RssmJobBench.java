package jepa.jobs;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test (no assertions; run by hand, -Dtest=RssmJobBench): the bench job's measurement and table for rssm, which
 * bench.methods does not accept yet (BenchConfig's list). -Drssm.bench.conf (default ../conf/quick.conf),
 * -Drssm.bench.batches (default 64), -Drssm.bench.set=key=value,... overrides.
 */
class RssmJobBench {
    @Test
    void benchRssm() {
        List<String> overrides = new ArrayList<>();
        String set = System.getProperty("rssm.bench.set", "");
        if (!set.isBlank()) overrides.addAll(List.of(set.split(",")));
        JepaConfig cfg = JepaConfig.load(Path.of(System.getProperty("rssm.bench.conf", "../conf/quick.conf")), overrides);
        List<Bench.Row> rows = new ArrayList<>();
        for (String b : System.getProperty("rssm.bench.batches", "64").split(","))
            rows.add(Bench.measure(cfg, "rssm", Integer.parseInt(b.trim())));
        Bench.print(rows, false);
    }
}
