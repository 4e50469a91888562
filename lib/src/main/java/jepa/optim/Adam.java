package jepa.optim;

/**
 * PyTorch's Adam (no weight decay) on a flat double vector, as CleanRL's PPO uses it: β = (0.9, 0.999), ε added to
 * the bias-corrected √v̂ (PyTorch's placement; DL4J's differs), ε = 1e-5 for PPO. The learning rate is given per step
 * (annealing), and the gradient is multiplied by a scale first (global-norm clipping).
 */
public final class Adam {
    public static final double BETA1 = 0.9, BETA2 = 0.999;

    private final double eps;
    private final double[] m, v;
    private long t;

    public Adam(int size, double eps) {
        this.eps = eps;
        this.m = new double[size];
        this.v = new double[size];
    }

    public long steps() { return t; }

    /** params −= lr·m̂/(√v̂ + ε) with the moments updated from scale·grads. */
    public void step(double[] params, double[] grads, double scale, double lr) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.length; i++) {
            double g = grads[i] * scale;
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
    }
}
