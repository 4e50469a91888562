package jepa.train;

import jepa.config.JepaConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Not a test: one counting run at a chosen scale, its progress printed (-Dtest=CountingRunBench
 * -Dcounting.bench.conf=conf/counting.conf -Dcounting.bench.overrides=k=v,k=v -Dcounting.bench.dir=…), for choosing
 * a scale by hand.
 */
class CountingRunBench {
    @Test
    void run() {
        if (Integer.getInteger("counting.bench.threads") != null) jepa.accel.NativeThreads.set(Integer.getInteger("counting.bench.threads"));
        String conf = System.getProperty("counting.bench.conf", "");
        String o = System.getProperty("counting.bench.overrides", "");
        List<String> overrides = o.isEmpty() ? List.of() : Arrays.asList(o.split(","));
        JepaConfig cfg = JepaConfig.load(conf.isEmpty() ? null : Path.of(conf), overrides);
        long t0 = System.nanoTime();
        RunProtocol.Result r = RunProtocol.run(cfg, Path.of(System.getProperty("counting.bench.dir", "target/counting-bench")), System.out::println);
        System.out.printf("counting bench: %s in %.0f s%n", r.outcome(), (System.nanoTime() - t0) / 1e9);
    }
}
