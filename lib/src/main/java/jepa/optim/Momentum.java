package jepa.optim;

import jepa.settings.ConfigError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * Heavy-ball momentum as in PyTorch's SGD and steps 3–4 of the reference LARS: μ ← m·μ + g, update = lr·μ
 * (DL4J then does p ← p − update). DL4J's own {@code Nesterovs} is a different rule (a look-ahead), hence this class.
 * <p>
 * The lr is a constant or an {@link ISchedule} (e.g. {@link WarmupCosineSchedule}); the state is one array μ of
 * the parameter size, starting at 0. JSON-serialisable like DL4J's updaters (final fields + @JsonProperty).
 */
public final class Momentum implements IUpdater {

    /** The state key of μ in {@link GradientUpdater#getState()}. */
    public static final String MU = "M";

    @JsonProperty
    private double learningRate;
    @JsonProperty
    private ISchedule learningRateSchedule;
    @JsonProperty
    private final double momentum;

    /** Constant lr. */
    public Momentum(double learningRate, double momentum) { this(learningRate, null, momentum); }

    /** Scheduled lr. */
    public Momentum(ISchedule learningRateSchedule, double momentum) { this(Double.NaN, learningRateSchedule, momentum); }

    public Momentum(@JsonProperty("learningRate") double learningRate,
                    @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                    @JsonProperty("momentum") double momentum) {
        if (learningRateSchedule == null && !(learningRate >= 0)) throw new ConfigError("momentum updater lr must be >= 0, got " + learningRate);
        if (!(momentum >= 0 && momentum < 1)) throw new ConfigError("momentum must be in [0,1), got " + momentum);
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
    }

    public double momentum() { return momentum; }
    public ISchedule learningRateSchedule() { return learningRateSchedule; }

    @Override
    public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        MomentumUpdater u = new MomentumUpdater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        MomentumUpdater u = new MomentumUpdater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public Momentum clone() {
        return new Momentum(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() { return true; }

    /** Called by DL4J's global-config machinery (e.g. a builder-level learningRate); kept for the contract. */
    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    // equality matters: DL4J merges adjacent parameters into one updater block only if their updaters are equal
    @Override
    public boolean equals(Object o) {
        return o instanceof Momentum m && Double.compare(m.learningRate, learningRate) == 0 && m.momentum == momentum
                && Objects.equals(m.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() { return Objects.hash(learningRate, learningRateSchedule, momentum); }

    @Override
    public String toString() {
        return "Momentum(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate) + ", momentum=" + momentum + ")";
    }
}
