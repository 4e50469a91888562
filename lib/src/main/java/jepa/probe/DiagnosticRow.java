package jepa.probe;

/**
 * One row of the {@code diagnostics} table: statistics of the embeddings of one frame (or rollout step).
 *
 * @param source     "encoder" or "rollout"
 * @param featureStd mean over features of the unbiased std over samples
 * @param offdiagCov mean |C_ij| over i ≠ j of the unbiased covariance
 * @param rankme     RankMe (Garrido et al. 2023), see {@link Diagnostics#rankMe}
 * @param effRank    participation ratio of the covariance spectrum, see {@link Diagnostics#effectiveRank}
 */
public record DiagnosticRow(String source, int frame, double featureStd, double offdiagCov, double rankme, double effRank) {}
