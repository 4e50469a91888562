package jepa.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;

import java.util.HashMap;
import java.util.Map;

/** The state and step of {@link Momentum}: μ ← m·μ + g; the gradient array becomes the update lr·μ (in place). */
public final class MomentumUpdater implements GradientUpdater<Momentum> {

    private final Momentum config;
    private INDArray mu;

    public MomentumUpdater(Momentum config) { this.config = config; }

    @Override
    public Momentum getConfig() { return config; }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
        INDArray m = state.get(Momentum.MU);
        if (m == null) throw new IllegalStateException("momentum state needs key " + Momentum.MU + ", got " + state.keySet());
        if (initialize) m.assign(0);
        this.mu = m;
    }

    @Override
    public Map<String, INDArray> getState() {
        Map<String, INDArray> s = new HashMap<>();
        s.put(Momentum.MU, mu);
        return s;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (initialize) viewArray.assign(0);
        // same trick as DL4J's own updaters: view the flat state with the gradient's shape, without copying
        this.mu = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
        if (mu == null) throw new IllegalStateException("could not view the momentum state with shape " + java.util.Arrays.toString(gradientShape));
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (mu == null) throw new IllegalStateException("momentum updater has no state view");
        double lr = config.getLearningRate(iteration, epoch);
        mu.muli(config.momentum()).addi(gradient);
        gradient.assign(mu).muli(lr);
    }
}
