package jepa.method;

import jepa.data.Batch;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * A JEPA with remedies for slow features (seed 001 §4.4–4.6, and the later literature's cure: inverse-dynamics and
 * temporal terms beside VICReg): the shared JEPA graph, the loss {@link RemedyLoss}, LARS as VICReg. Each variant is
 * its own method of the registry, with only its own terms' keys.
 */
public final class RemedyJepa extends LarsMethod {
    /**
     * VICReg's weights (25 / 25 / 1) × this in the variants with a head: under fixed noise (single dot, α = 1, seed 1)
     * the IDM variant's rollout RMSE was 0.311 at × 1/5, 0.259 at × 2/25, 0.176 at × 1/25, 0.172 at × 1/50; at × 1
     * with idm-coeff ≥ 5 the loss diverged within 13 steps.
     */
    static final double HEAD_SCALE = 1.0 / 25;
    public static final MethodType EXPANDER = type("vicreg-expander", RemedyTerms.VICREG, 1, """
            expander-dim = 256      # v = Linear(256) . ReLU . Linear(D -> 256)(s) carries variance and covariance""");
    public static final MethodType IDM = type("vicreg-idm", RemedyTerms.VICREG, HEAD_SCALE, """
            idm-coeff = 1.0         # inverse dynamics: a linear head on [current_t, s_(t+1)] predicts a_t""");
    public static final MethodType TEMPORAL = type("vicreg-temporal", RemedyTerms.VICREG, 1, """
            temporal-coeff = 25     # mean ReLU(target - std over the sequence's frames) of every feature
            temporal-target = 0.5""");
    public static final MethodType AUX = type("vicreg-aux", RemedyTerms.VICREG, HEAD_SCALE, """
            aux-coeff = 1.0         # a linear head on [s_(t-1), s_t] predicts where the frame changed""");
    public static final MethodType SIGREG = type("sigreg", RemedyTerms.SIGREG, 1, """
            sigreg-coeff = 1.0      # SIGReg (Epps-Pulley over random unit directions) instead of variance + covariance
            sigreg-slices = 256     # directions, drawn once from sigreg-seed
            sigreg-seed = 1
            skip-first-step-vc = true   # SIGReg on frames 2..17""");
    public static final MethodType IDM_TEMPORAL = type("vicreg-idm-temporal", RemedyTerms.VICREG, HEAD_SCALE, """
            idm-coeff = 1.0
            temporal-coeff = 1      # vicreg-temporal's 25, scaled with VICReg's terms
            temporal-target = 0.5""");

    /** The variants, in the order reports list them. */
    public static final List<MethodType> TYPES = List.of(EXPANDER, IDM, TEMPORAL, AUX, SIGREG, IDM_TEMPORAL);

    private final String name;
    private final RemedyTerms terms;

    RemedyJepa(String name, RemedyTerms terms) {
        this.name = name;
        this.terms = terms;
    }

    private static MethodType type(String name, String regulariser, double scale, String keys) {
        return new MethodType(name, RemedyJepa.class, RemedyTerms.keys(regulariser, scale, keys), Map.of("train.base-lr", "vicreg.base_lr"),
                m -> new RemedyJepa(name, RemedyTerms.from(m, regulariser)));
    }

    public RemedyTerms terms() { return terms; }

    @Override public String name() { return name; }

    @Override public Layer lossLayer(JepaParams p, int dots) { return new RemedyLoss(p.embedding(), JepaNetwork.FRAMES, terms); }

    @Override public INDArray labels(Batch b) { return labels(b.frames(), b.actions()); }

    /**
     * [B, 4, 17]: the actions in channels 0–1 (steps 0..15) and, in channels 2–3 (steps 1..16), the centroid of
     * |o_t − o_{t−1}| summed over channels, in column and row coordinates scaled to [−0.5, 0.5] (0 where nothing
     * changed): where the image changed between two frames, a quantity of the frames alone.
     */
    public static INDArray labels(INDArray frames, INDArray actions) {
        int b = (int) frames.size(0), t = (int) frames.size(2), side = 28, pixels = side * side;
        int channels = (int) (frames.size(1) / pixels);
        float[] f = frames.dup('c').data().asFloat(), a = actions.dup('c').data().asFloat();
        float[] out = new float[b * RemedyLoss.LABELS * t];
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < 2; c++)
                for (int k = 0; k < t - 1; k++) out[(i * RemedyLoss.LABELS + c) * t + k] = a[(i * 2 + c) * (t - 1) + k];
            for (int k = 1; k < t; k++) {
                double w = 0, cx = 0, cy = 0;
                for (int ch = 0; ch < channels; ch++)
                    for (int p = 0; p < pixels; p++) {
                        int base = (i * channels * pixels + ch * pixels + p) * t;
                        double dv = Math.abs(f[base + k] - f[base + k - 1]);
                        w += dv;
                        cx += dv * (p % side);
                        cy += dv * (p / side);
                    }
                out[(i * RemedyLoss.LABELS + 2) * t + k] = w > 0 ? (float) (cx / w / (side - 1) - 0.5) : 0f;
                out[(i * RemedyLoss.LABELS + 3) * t + k] = w > 0 ? (float) (cy / w / (side - 1) - 0.5) : 0f;
            }
        }
        return Nd4j.create(out, new long[]{b, RemedyLoss.LABELS, t}, 'c').castTo(frames.dataType());
    }
}
