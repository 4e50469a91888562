package jepa.method;

import jepa.accel.loss.InfoNceLoss;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The layer settings survive what dl4j-spark and ModelSerializer do to a configuration: JSON and clone(). */
class LossLayerConfigTest {

    private static Layer roundTrip(Layer layer) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x")
                .setInputTypes(InputType.recurrent(2L * 5, 9)).addLayer("loss", layer, "x").setOutputs("loss").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        return ((LayerVertex) back.getVertices().get("loss")).getLayerConf().getLayer();
    }

    @Test
    void infoNceSettingsSurviveJsonAndClone() {
        for (InfoNceLoss l : new InfoNceLoss[]{(InfoNceLoss) roundTrip(new InfoNceLoss(5, 9, 0.25, true)),
                (InfoNceLoss) new InfoNceLoss(5, 9, 0.25, true).clone()}) {
            assertEquals(5, l.d());
            assertEquals(9, l.frames());
            assertEquals(0.25, l.temperature());
            assertTrue(l.normalizeZ());
        }
    }

    @Test
    void idmSettingsSurviveJsonAndClone() {
        for (IdmLoss l : new IdmLoss[]{(IdmLoss) roundTrip(new IdmLoss(5, 9, 0.04208)), (IdmLoss) new IdmLoss(5, 9, 0.04208).clone()}) {
            assertEquals(5, l.d());
            assertEquals(9, l.frames());
            assertEquals(0.04208, l.actionCoeff());
        }
    }

    @Test
    void probeSettingsSurviveJsonAndClone() {
        for (ProbeLoss l : new ProbeLoss[]{(ProbeLoss) roundTrip(new ProbeLoss(5, 9, 3)), (ProbeLoss) new ProbeLoss(5, 9, 3).clone()}) {
            assertEquals(5, l.d());
            assertEquals(9, l.frames());
            assertEquals(3, l.dots());
        }
    }
}
