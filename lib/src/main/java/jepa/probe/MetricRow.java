package jepa.probe;

/**
 * One row of the {@code metrics} table: one probe, step and dot.
 *
 * @param mse    per-coordinate MSE in paper units (coordinates in units of the 21.8-px allowed range) = E_norm/24
 * @param rmse   √mse
 * @param rmsePx the reference code's logged Euclidean RMSE in pixels, √(E_norm·39.603)
 */
public record MetricRow(String probe, String solver, int step, int dot, double mse, double rmse, double rmsePx) {}
