package jepa.accel;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;

/** Workarounds every SameDiffVertex of this project needs in DL4J 1.0.0-M2.1. */
public final class SameDiffVertices {
    private SameDiffVertices() {}

    /** What every SameDiffVertex.clone() must copy besides its own fields (dl4j-notes §4, workaround #4). */
    public static void copyTrainingConfig(SameDiffVertex from, SameDiffVertex to) {
        to.setName(from.getName());
        to.setUpdater(from.getUpdater() == null ? null : from.getUpdater().clone());
        to.setBiasUpdater(from.getBiasUpdater() == null ? null : from.getBiasUpdater().clone());
        to.setRegularization(from.getRegularization() == null ? null : new java.util.ArrayList<>(from.getRegularization()));
        to.setRegularizationBias(from.getRegularizationBias() == null ? null : new java.util.ArrayList<>(from.getRegularizationBias()));
        to.setGradientNormalization(from.getGradientNormalization());
        to.setGradientNormalizationThreshold(from.getGradientNormalizationThreshold());
        to.setDataType(from.getDataType());
    }
}
