package jepa.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * TD-MPC2's soft cross-entropy between logits and a soft target distribution t (the two-hot targets of {@link TwoHot}):
 * L = w·(−Σ_i t_i·log softmax(logits)_i) per example, averaged over the batch (w: the loss's weight, default 1). With the output layer's activation
 * {@code IDENTITY} its pre-output are the logits. Gradient per example: softmax(logits)·Σt − t.
 * <p>
 * DL4J conventions: the score is the batch mean, the gradient is that of the batch sum (the updater divides by the
 * batch size); an optional per-example mask [B, 1] multiplies both. log-softmax via log-sum-exp with the row
 * maximum subtracted, so large logits stay finite.
 */
public class SoftCrossEntropy implements ILossFunction {
    /** The loss's coefficient in a sum of losses (P-JEPA's c_p): score and gradient are multiplied by it. */
    @JsonProperty private double weight = 1;

    /** Weight 1 (also for JSON deserialisation). */
    public SoftCrossEntropy() {}

    public SoftCrossEntropy(double weight) {
        if (!(weight >= 0) || Double.isInfinite(weight)) throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
        this.weight = weight;
    }

    public double weight() { return weight; }

    /** Per example i: −Σ_j labels[i, j]·log softmax(logits[i])_j, as [B, 1]. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray logits = logits(labels, preOutput, activationFn);
        INDArray lse = logSumExp(logits);
        INDArray score = lse.muli(labels.sum(true, 1)).subi(labels.mul(logits).sum(true, 1)).muli(weight);
        return mask == null ? score : score.muli(perExample(mask, score));
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    /** dL_i / d preOutput_i for each example (the gradient of the batch sum). */
    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray logits = logits(labels, preOutput, activationFn);
        INDArray e = Transforms.exp(logits.subColumnVector(logits.max(true, 1)), false);
        INDArray dLogits = e.diviColumnVector(e.sum(true, 1)).muliColumnVector(labels.sum(true, 1)).subi(labels).muli(weight);
        INDArray grad = activationFn.backprop(preOutput.dup(), dLogits).getFirst();
        return mask == null ? grad : grad.muliColumnVector(perExample(mask, grad));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() { return "SoftCrossEntropy"; }

    @Override
    public String toString() { return "SoftCrossEntropy(weight=" + weight + ")"; }

    @Override
    public boolean equals(Object o) { return o instanceof SoftCrossEntropy s && s.weight == weight; }

    @Override
    public int hashCode() { return Double.hashCode(weight); }

    private static INDArray logits(INDArray labels, INDArray preOutput, IActivation activationFn) {
        if (!labels.equalShapes(preOutput))
            throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape()) + " and logits "
                    + java.util.Arrays.toString(preOutput.shape()) + " must have the same shape");
        if (preOutput.rank() != 2) throw new IllegalArgumentException("logits must be [B, bins], got rank " + preOutput.rank());
        return activationFn.getActivation(preOutput.dup(), true);
    }

    /** log Σ_j exp(x[i, j]) per row, as [B, 1]. */
    private static INDArray logSumExp(INDArray x) {
        INDArray max = x.max(true, 1);
        return Transforms.log(Transforms.exp(x.subColumnVector(max), false).sum(true, 1), false).addi(max);
    }

    private static INDArray perExample(INDArray mask, INDArray like) {
        if (mask.length() != like.size(0))
            throw new IllegalArgumentException("SoftCrossEntropy takes a per-example mask [B, 1], got " + java.util.Arrays.toString(mask.shape()));
        return mask.reshape(like.size(0), 1).castTo(like.dataType());
    }

    /** The loss of one example in plain Java: the specification the ND4J path is tested against. */
    public static double loss(double[] logits, double[] target) {
        double max = Double.NEGATIVE_INFINITY, z = 0, tSum = 0, tl = 0;
        for (double l : logits) max = Math.max(max, l);
        for (int i = 0; i < logits.length; i++) {
            z += Math.exp(logits[i] - max);
            tSum += target[i];
            tl += target[i] * logits[i];
        }
        return (Math.log(z) + max) * tSum - tl;
    }

    /** d loss / d logits of one example: softmax·Σt − t. */
    public static double[] gradient(double[] logits, double[] target) {
        double max = Double.NEGATIVE_INFINITY, z = 0, tSum = 0;
        for (double l : logits) max = Math.max(max, l);
        double[] g = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            g[i] = Math.exp(logits[i] - max);
            z += g[i];
            tSum += target[i];
        }
        for (int i = 0; i < g.length; i++) g[i] = g[i] / z * tSum - target[i];
        return g;
    }
}
