package jepa.config;

import com.typesafe.config.Config;

/** Which method and network: MeNet5 width and embedding, GRU depth, and each method's loss coefficients. */
public record MethodConfig(String name, int width, int embedding, int gruLayers, boolean sumChannels,
                           double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc,
                           double temperature, boolean normalizeZ, double actionCoeff,
                           double rssmLearningRate, double rssmMinVar, double rssmFreeNats) implements java.io.Serializable {

    public static final String VICREG = "vicreg", SIMCLR = "simclr", IDM = "idm", SUPERVISED = "supervised",
            RANDOM = "random", CENTER = "center", RSSM = "rssm";

    /** RSSM defaults of jepa-defaults.conf (method.rssm), for callers that build a MethodConfig by hand. */
    public static final double RSSM_LR = 1e-3, RSSM_MIN_VAR = 0.1, RSSM_FREE_NATS = 3.0;

    public MethodConfig {
        Check.oneOf("method.name", name, VICREG, SIMCLR, IDM, SUPERVISED, RANDOM, CENTER, RSSM);
        Check.positive("method.width", width);
        Check.positive("method.embedding", embedding);
        Check.positive("method.gru-layers", gruLayers);
        Check.nonNegative("method.vicreg.sim-coeff", simCoeff);
        Check.nonNegative("method.vicreg.std-coeff", stdCoeff);
        Check.nonNegative("method.vicreg.cov-coeff", covCoeff);
        Check.positive("method.simclr.temperature", temperature);
        Check.positive("method.idm.action-coeff", actionCoeff);
        Check.positive("method.rssm.learning-rate", rssmLearningRate);
        Check.nonNegative("method.rssm.min-var", rssmMinVar);
        Check.nonNegative("method.rssm.free-nats", rssmFreeNats);
    }

    /** Without the RSSM keys (their defaults). */
    public MethodConfig(String name, int width, int embedding, int gruLayers, boolean sumChannels,
                        double simCoeff, double stdCoeff, double covCoeff, boolean skipFirstStepVc,
                        double temperature, boolean normalizeZ, double actionCoeff) {
        this(name, width, embedding, gruLayers, sumChannels, simCoeff, stdCoeff, covCoeff, skipFirstStepVc, temperature, normalizeZ,
                actionCoeff, RSSM_LR, RSSM_MIN_VAR, RSSM_FREE_NATS);
    }

    static MethodConfig from(Config c) {
        return new MethodConfig(Check.string(c, "method.name"), Check.integer(c, "method.width"), Check.integer(c, "method.embedding"),
                Check.integer(c, "method.gru-layers"), Check.bool(c, "method.sum-channels"),
                Check.number(c, "method.vicreg.sim-coeff"), Check.number(c, "method.vicreg.std-coeff"),
                Check.number(c, "method.vicreg.cov-coeff"), Check.bool(c, "method.vicreg.skip-first-step-vc"),
                Check.number(c, "method.simclr.temperature"), Check.bool(c, "method.simclr.normalize-z"),
                Check.number(c, "method.idm.action-coeff"), Check.number(c, "method.rssm.learning-rate"),
                Check.number(c, "method.rssm.min-var"), Check.number(c, "method.rssm.free-nats"));
    }
}
