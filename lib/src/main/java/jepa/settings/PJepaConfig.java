package jepa.settings;

import com.typesafe.config.Config;

/**
 * What every P-JEPA variant shares (seed 002, App. D): the encoder, and how its runs are
 * evaluated on the counting world. The variants' own keys (coefficients, learning rates) are method.&lt;name&gt;.*.
 *
 * @param encoder               conv (TD-MPC2's default conv encoder, the quick scale) or resnet (the paper's 69-layer
 *                              ResNet, ~12.3 M parameters)
 * @param decoderParts          the decoder trains on the first 1/decoder-parts of every batch (it is a probe: its cost
 *                              at 64 px would otherwise exceed the encoder's)
 * @param bisimulationEpisodes  Theorem 3's data set D: the transitions of the first this-many training episodes
 * @param figureObservations    Fig. 2: test observations embedded at the best checkpoint (the paper: 256)
 */
public record PJepaConfig(String encoder, int decoderParts, int bisimulationEpisodes, int figureObservations)
        implements java.io.Serializable {

    public static final String CONV = "conv", RESNET = "resnet";

    public PJepaConfig {
        Check.oneOf("pjepa.encoder", encoder, CONV, RESNET);
        Check.min("pjepa.decoder-parts", decoderParts, 1);
        Check.min("pjepa.bisimulation-episodes", bisimulationEpisodes, 1);
        Check.min("pjepa.figure-observations", figureObservations, 2);
    }

    public static PJepaConfig from(Config c) {
        return new PJepaConfig(Check.string(c, "pjepa.encoder"), Check.integer(c, "pjepa.decoder-parts"),
                Check.integer(c, "pjepa.bisimulation-episodes"), Check.integer(c, "pjepa.figure-observations"));
    }
}
