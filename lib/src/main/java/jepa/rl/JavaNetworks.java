package jepa.rl;

import jepa.accel.vit.VitRuntime;

/**
 * {@link AgentNetworks} on the project's runtime: the x- and y-encoders are {@link VitRuntime}s, the predictor and
 * the loss are written out in Java (double): L_JEPA = mean over rows of ‖s_pred − s_y‖², L_reg = −min(1, v) with
 * v = mean_i Var(s_x)_i (n − 1), whose gradient −(2/d)(s − mean)/(n − 1) applies while v < 1, and Σ s⊙g, whose
 * gradient is g.
 */
final class JavaNetworks implements AgentNetworks {
    private final Variant variant;
    private final VitRuntime online, target;
    private final JepaPredictor predictor;
    private final int d, encoderSize;
    private double[] theta, s;
    private int n;

    JavaNetworks(Variant variant, jepa.settings.AgentConfig config, JepaPredictor predictor, int channels, int height, int width) {
        this.variant = variant;
        this.online = new VitRuntime(config, channels, height, width);
        this.target = variant.jepa() ? new VitRuntime(config, channels, height, width) : null;
        this.predictor = predictor;
        this.d = config.embedding();
        this.encoderSize = online.size();
    }

    @Override public double[] encode(float[] x, int rows) { return online.forward(x, rows); }

    @Override
    public double[] features(float[] x, int rows) {
        n = rows;
        s = online.forward(x, rows);
        return s.clone();
    }

    @Override
    public Gradient gradient(double[] g, int[] actions, float[] y) {
        double[] grad = new double[theta.length];
        double[] ds = g.clone();
        double jepaLoss = Double.NaN;
        if (variant.jepa()) {
            double[] sy = target.forward(y, n);
            JepaPredictor.Pass p = predictor.forward(theta, encoderSize, s, actions, n);
            double[] dOut = new double[n * d];
            jepaLoss = 0;
            for (int i = 0; i < dOut.length; i++) {
                double e = p.out()[i] - sy[i];
                jepaLoss += e * e;
                dOut[i] = 2 * e / n;
            }
            jepaLoss /= n;
            double[] dsJepa = predictor.backward(theta, encoderSize, p, dOut, grad);
            for (int i = 0; i < ds.length; i++) ds[i] += dsJepa[i];
        }
        if (variant.regularised() && JepaEncoder.embeddingVariance(s, n, d) < 1)
            for (int j = 0; j < d; j++) {
                double mean = 0;
                for (int r = 0; r < n; r++) mean += s[r * d + j];
                mean /= n;
                for (int r = 0; r < n; r++) ds[r * d + j] -= 2 * (s[r * d + j] - mean) / ((n - 1.0) * d);
            }
        // the x-encoder's forward state is that of features(): the y-encoder is another runtime
        double[] ge = online.backward(ds);
        System.arraycopy(ge, 0, grad, 0, encoderSize);
        return new Gradient(grad, jepaLoss);
    }

    @Override
    public void setOnline(double[] theta) {
        this.theta = theta.clone();
        online.setParams(java.util.Arrays.copyOf(theta, encoderSize));
    }

    @Override public void setTarget(double[] thetaBar) { target.setParams(thetaBar); }
}
