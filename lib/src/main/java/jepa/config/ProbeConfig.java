package jepa.config;

import com.typesafe.config.Config;

/** Probing (reference §5): the solver of the linear probe, the Adam probe's settings, diagnostics sample size. */
public record ProbeConfig(String solver, double lr, int epochs, int batchSize, int diagnosticsSample) implements java.io.Serializable {

    public static final String EXACT = "exact", ADAM = "adam";

    public ProbeConfig {
        Check.oneOf("probe.solver", solver, EXACT, ADAM);
        Check.positive("probe.lr", lr);
        Check.positive("probe.epochs", epochs);
        Check.positive("probe.batch-size", batchSize);
        Check.min("probe.diagnostics-sample", diagnosticsSample, 2);
    }

    static ProbeConfig from(Config c) {
        return new ProbeConfig(Check.string(c, "probe.solver"), Check.number(c, "probe.lr"), Check.integer(c, "probe.epochs"),
                Check.integer(c, "probe.batch-size"), Check.integer(c, "probe.diagnostics-sample"));
    }
}
