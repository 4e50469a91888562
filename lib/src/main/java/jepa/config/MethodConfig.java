package jepa.config;

import com.typesafe.config.Config;

/** Which method and network: MeNet5 width and embedding, GRU depth, and each method's loss coefficients. */
public record MethodConfig(String name, int width, int embedding, int gruLayers, boolean sumChannels,
                           double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc,
                           double temperature, boolean normalizeZ, double actionCoeff) implements java.io.Serializable {

    public static final String VICREG = "vicreg", SIMCLR = "simclr", IDM = "idm", SUPERVISED = "supervised",
            RANDOM = "random", CENTER = "center";

    public MethodConfig {
        Check.oneOf("method.name", name, VICREG, SIMCLR, IDM, SUPERVISED, RANDOM, CENTER);
        Check.positive("method.width", width);
        Check.positive("method.embedding", embedding);
        Check.positive("method.gru-layers", gruLayers);
        Check.nonNegative("method.vicreg.sim-coeff", simCoeff);
        Check.nonNegative("method.vicreg.std-coeff", stdCoeff);
        Check.nonNegative("method.vicreg.cov-coeff", covCoeff);
        Check.positive("method.simclr.temperature", temperature);
        Check.positive("method.idm.action-coeff", actionCoeff);
    }

    static MethodConfig from(Config c) {
        return new MethodConfig(Check.string(c, "method.name"), Check.integer(c, "method.width"), Check.integer(c, "method.embedding"),
                Check.integer(c, "method.gru-layers"), Check.bool(c, "method.sum-channels"),
                Check.number(c, "method.vicreg.sim-coeff"), Check.number(c, "method.vicreg.std-coeff"),
                Check.number(c, "method.vicreg.cov-coeff"), Check.bool(c, "method.vicreg.skip-first-step-vc"),
                Check.number(c, "method.simclr.temperature"), Check.bool(c, "method.simclr.normalize-z"),
                Check.number(c, "method.idm.action-coeff"));
    }
}
