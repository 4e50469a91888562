package jepa.probe;

import jepa.settings.ConfigError;

/**
 * The reference's probe optimiser (reference §5.2): Adam with PyTorch's default betas (0.9, 0.999) and eps 1e-8, constant
 * learning rate (1e-3 in every config), {@code epochs} passes (30; supervised 100–200), minibatches of
 * {@code batchSize} sequences (the dataset batch size), reshuffled every epoch from {@code seed}.
 */
public record AdamProbeParams(double lr, int epochs, int batchSize, long seed, double beta1, double beta2, double eps) {

    public static final double DEFAULT_LR = 1e-3;

    public AdamProbeParams {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new ConfigError("probe.lr must be a finite number > 0, got " + lr);
        if (epochs < 1) throw new ConfigError("probe.epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new ConfigError("probe.batch-size must be >= 1, got " + batchSize);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ConfigError("probe.beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new ConfigError("probe.beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new ConfigError("probe.eps must be > 0, got " + eps);
    }

    /** PyTorch's Adam defaults with the given schedule. */
    public static AdamProbeParams of(double lr, int epochs, int batchSize, long seed) {
        return new AdamProbeParams(lr, epochs, batchSize, seed, 0.9, 0.999, 1e-8);
    }
}
