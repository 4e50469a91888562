package jepa.accel.loss;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * How a batch-mean SameDiff loss must be handed to DL4J (measured in M2.1, see JepaNetworkTest):
 * DL4J's SameDiffOutputLayer reports score = lossVariable / B, and with miniBatch(true) (DL4J's default, kept by
 * {@link JepaNetwork}) the updater divides every gradient by B. A loss layer that returns B·L therefore gets
 * cg.score() = L and an update from exactly ∂L/∂θ. Every JEPA loss layer must finish with {@link #asDl4jScore}.
 */
public final class LossScale {
    private LossScale() {}

    /** The batch size as a [1] variable (workaround #3: no rank-0 intermediates, no sizeAt). */
    public static SDVariable batchCount(SameDiff sd, SDVariable anyBatchMajor) {
        SDIndex[] first = new SDIndex[anyBatchMajor.getShape() == null ? 1 : anyBatchMajor.getShape().length];
        first[0] = SDIndex.all();
        for (int i = 1; i < first.length; i++) first[i] = SDIndex.point(0);
        return sd.onesLike(anyBatchMajor.get(first)).sum(true, 0);
    }

    /**
     * Turns the batch-mean loss {@code meanLoss} (any shape with one element, keepDims) into DL4J's loss variable
     * B·L of shape [1, 1], and marks it as the loss (workaround #1: setLossVariables inside defineLayer).
     */
    public static SDVariable asDl4jScore(SameDiff sd, SDVariable meanLoss, SDVariable batchCount) {
        SDVariable loss = meanLoss.mul(batchCount).reshape(1, 1);
        sd.setLossVariables(loss);
        return loss;
    }
}
