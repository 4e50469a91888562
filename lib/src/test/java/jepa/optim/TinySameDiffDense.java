package jepa.optim;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;

/** A minimal SameDiff dense layer (W via addWeightParam, b via addBiasParam) to see how DL4J routes LARS. */
class TinySameDiffDense extends SameDiffLayer {
    @JsonProperty private int nIn;
    @JsonProperty private int nOut;

    TinySameDiffDense() {} // for JSON

    TinySameDiffDense(int nIn, int nOut) { this.nIn = nIn; this.nOut = nOut; }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
        return sd.math().tanh(in.mmul(p.get("W")).add(p.get("b")));
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam("W", nIn, nOut);
        params.addBiasParam("b", 1, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Nd4j.getRandom().setSeed(99);
        params.get("W").assign(Nd4j.rand(params.get("W").dataType(), nIn, nOut).subi(0.5));
        params.get("b").assign(0.1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) { return InputType.feedForward(nOut); }
}
