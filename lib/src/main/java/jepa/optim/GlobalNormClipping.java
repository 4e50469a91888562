package jepa.optim;

import jepa.settings.ConfigError;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code clip_grad_norm_(params, maxNorm)} (RSSM, reference §4.2: total L2 norm ≤ 1000) for DL4J.
 * <p>
 * DL4J's {@code GradientNormalization} cannot do it: ClipL2PerLayer and ClipL2PerParamType clip each layer (or each
 * param type within a layer) separately, never the norm over all parameters. So this is a TrainingListener:
 * DL4J calls {@code onGradientCalculation} after computeGradientAndScore and BEFORE the updater (checked in
 * BaseOptimizer.gradientAndScore), with the network's live gradient views, so rescaling them in place clips the step.
 * It runs in {@code fit} and, as a listener set on SparkComputationGraph, on the dl4j-spark workers (hence Serializable).
 * <p>
 * Only real gradients count: params whose "gradient" DL4J does not divide by the minibatch (BatchNormalization's
 * running mean/var/log10stdev) are neither measured nor scaled. With {@code miniBatch(true)} DL4J divides by the batch
 * size only later, so the norm here is divided by it first, to be the norm of the batch-mean gradient.
 * Coefficient as in PyTorch: c = maxNorm / (total + 1e-6), applied when c < 1.
 */
public final class GlobalNormClipping extends BaseTrainingListener implements Serializable {

    private final double maxNorm;

    public GlobalNormClipping(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new ConfigError("gradient clip max-norm must be finite and > 0, got " + maxNorm);
        this.maxNorm = maxNorm;
    }

    public double maxNorm() { return maxNorm; }

    @Override
    public void onGradientCalculation(Model model) {
        List<INDArray> grads = trainableGradients(model);
        double sq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double total = Math.sqrt(sq) / (isMiniBatch(model) ? Math.max(1, model.batchSize()) : 1);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) for (INDArray g : grads) g.muli(coef);
    }

    /** The per-parameter gradient views the updater will use, without BN running statistics. */
    static List<INDArray> trainableGradients(Model model) {
        Updater u = model instanceof ComputationGraph cg ? cg.getUpdater()
                : model instanceof MultiLayerNetwork mln ? mln.getUpdater() : null;
        if (!(u instanceof BaseMultiLayerUpdater<?> mu))
            throw new IllegalStateException("global norm clipping needs a ComputationGraph or MultiLayerNetwork, got " + model.getClass());
        List<INDArray> out = new ArrayList<>();
        for (UpdaterBlock b : mu.getUpdaterBlocks())
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock())
                if (p.getGradView() != null && p.getLayer().updaterDivideByMinibatch(p.getParamName())) out.add(p.getGradView());
        return out;
    }

    private static boolean isMiniBatch(Model model) {
        return model instanceof ComputationGraph cg ? cg.getConfiguration().getDefaultConfiguration().isMiniBatch()
                : ((MultiLayerNetwork) model).getLayerWiseConfigurations().getConf(0).isMiniBatch();
    }
}
