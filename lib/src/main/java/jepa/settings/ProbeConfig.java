package jepa.settings;

import com.typesafe.config.Config;

/** Probing (reference §5): the solver of the linear probe, the Adam probe's settings, the inference batch. */
public record ProbeConfig(String solver, double lr, int epochs, int batchSize) implements java.io.Serializable {

    public static final String EXACT = "exact", ADAM = "adam";

    public ProbeConfig {
        Check.oneOf("probe.solver", solver, EXACT, ADAM);
        Check.positive("probe.lr", lr);
        Check.positive("probe.epochs", epochs);
        Check.positive("probe.batch-size", batchSize);
    }

    public static ProbeConfig from(Config c) {
        return new ProbeConfig(Check.string(c, "probe.solver"), Check.number(c, "probe.lr"), Check.integer(c, "probe.epochs"),
                Check.integer(c, "probe.batch-size"));
    }
}
