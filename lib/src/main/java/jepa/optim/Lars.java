package jepa.optim;

import jepa.settings.ConfigError;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference LARS optimizer (reference §4.1) as DL4J configuration: {@link LarsRegularization} (weight decay + trust
 * ratio, per weight tensor, before the updater) plus {@link Momentum} (μ ← m·μ + g, p ← p − lr·μ) driven by an lr
 * schedule. Only DL4J's own updater/regularization machinery is used, so it runs unchanged in
 * {@code ComputationGraph.fit} and under dl4j-spark parameter averaging (which averages the μ state too when
 * saveUpdater is on).
 * <p>
 * Exclusions (the reference skips steps 1–2 for 1-D tensors): put the regularization on weights only.
 * What DL4J 1.0.0-M2.1 does with {@link #configure}:
 * <ul>
 *   <li>Dense/Conv/Output "W" → regularization (LARS); "b" → regularizationBias (empty: plain momentum SGD).</li>
 *   <li>BatchNormalization: {@code getRegularizationByParam} returns null for every param, so γ/β get plain
 *       momentum SGD, and the running statistics (mean and, by default in M2.1, log10stdev instead of var) use
 *       DL4J's NoOp updater: their running-average "gradient" is applied as is, untouched by LARS.</li>
 *   <li>SameDiff layers/vertices: {@code addWeightParam} → regularization, {@code addBiasParam} →
 *       regularizationBias. So every tensor that is 1-D in PyTorch (biases, hand-written BN γ/β, GRU biases) must be
 *       declared with addBiasParam, and each PyTorch tensor must be ONE DL4J param (e.g. GRU weight_ih holds all three
 *       gates), because the trust ratio uses the norm of the whole tensor. A SameDiffVertex's clone() (needed by
 *       dl4j-spark) must copy regularization and regularizationBias too, or LARS silently vanishes on the workers.</li>
 * </ul>
 * DL4J bug: in a ComputationGraph the global regularization lands twice on built-in layers; always pass the built
 * configuration through {@link DuplicateRegularizationFix#apply} (before creating the network or calling toJson).
 * <p>
 * Gradient scale: DL4J divides gradients by the minibatch size before regularization and updater when
 * {@code miniBatch(true)} (the default). LARS is almost scale-free (only the wd·p term sees the scale), but to match
 * the reference the gradient must be that of the batch-MEAN loss: the project's loss layers return B·L and run with
 * miniBatch(true) (see jepa.accel.loss.LossScale), which hands LARS exactly ∂L/∂θ.
 *
 * @param weightDecay reference 1e-6
 * @param eta         trust coefficient η, reference 0.001
 * @param momentum    reference 0.9
 */
public record Lars(double weightDecay, double eta, double momentum) {

    public Lars {
        // the parts validate themselves; fail here already, naming the key
        new LarsRegularization(weightDecay, eta);
        if (!(momentum >= 0 && momentum < 1)) throw new ConfigError("lars.momentum must be in [0,1), got " + momentum);
    }

    public static Lars reference() { return new Lars(1e-6, 0.001, 0.9); }

    /** The updater (steps 3–4), lr from the schedule. */
    public Momentum updater(ISchedule lr) { return new Momentum(lr, momentum); }

    /** The regularization list for weights (steps 1–2); mutable, as DL4J's builder appends to it (e.g. l2()). */
    public List<Regularization> weightRegularization() { return new ArrayList<>(List.of(new LarsRegularization(weightDecay, eta))); }

    /**
     * Sets updater, weight regularization and an empty bias regularization on a global builder. For a
     * ComputationGraph, the built configuration must then go through {@link DuplicateRegularizationFix#apply}.
     */
    public NeuralNetConfiguration.Builder configure(NeuralNetConfiguration.Builder b, ISchedule lr) {
        return b.updater(updater(lr)).regularization(weightRegularization()).regularizationBias(new ArrayList<>());
    }
}
