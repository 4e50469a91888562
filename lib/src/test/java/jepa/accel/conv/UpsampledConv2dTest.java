package jepa.accel.conv;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * UpsampledConv2d equals DL4J's Upsampling2D followed by its ConvolutionLayer (same W) in double: the output,
 * the weight gradient and the input gradient, for the decoder's two shapes (×2 then k3, ×3 then k5), with ReLU and
 * identity, and in float to float rounding.
 */
class UpsampledConv2dTest {
    static final int N = 3, C_IN = 2, C_OUT = 3, H = 4;

    private static MultiLayerNetwork net(boolean fused, int s, int k, Activation act, DataType dt) {
        ConvolutionLayer.Builder cb = new ConvolutionLayer.Builder(k, k).stride(1, 1).padding((k - 1) / 2, (k - 1) / 2)
                .nIn(C_IN).nOut(C_OUT).hasBias(false).activation(act);
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().seed(1).dataType(dt).updater(new Sgd(0.1)).list();
        if (fused) lb.layer(new UpsampledConv2d(cb, s));
        else lb.layer(new Upsampling2D.Builder(s).build()).layer(cb.build());
        MultiLayerConfiguration conf = lb.layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(H, H, C_IN)).build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    private static void check(int s, int k, Activation act, DataType dt, double tol) {
        MultiLayerNetwork stock = net(false, s, k, act, dt), fused = net(true, s, k, act, dt);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.randn(dt, C_OUT, C_IN, k, k);
        stock.getLayer(1).setParam("W", w.dup());
        fused.getLayer(0).setParam("W", w.dup());
        INDArray x = Nd4j.randn(dt, N, C_IN, H, H), y = Nd4j.randn(dt, N, C_OUT, s * H, s * H);

        INDArray outStock = stock.output(x), outFused = fused.output(x);
        assertArrayEquals(outStock.shape(), outFused.shape());
        assertEquals(0, outStock.sub(outFused).amaxNumber().doubleValue(), tol * outStock.amaxNumber().doubleValue(), "output");

        Pair<Gradient, INDArray> gs = stock.calculateGradients(x, y, null, null), gf = fused.calculateGradients(x, y, null, null);
        INDArray dwS = gs.getFirst().getGradientFor("1_W"), dwF = gf.getFirst().getGradientFor("0_W");
        assertEquals(0, dwS.sub(dwF).amaxNumber().doubleValue(), tol * dwS.amaxNumber().doubleValue(), "weight gradient");
        assertEquals(0, gs.getSecond().sub(gf.getSecond()).amaxNumber().doubleValue(), tol * gs.getSecond().amaxNumber().doubleValue(), "input gradient");
        double ls = stock.score(new org.nd4j.linalg.dataset.DataSet(x, y)), lf = fused.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        assertEquals(ls, lf, tol * ls, "loss");
    }

    @Test void scale3Kernel5Relu() { check(3, 5, Activation.RELU, DataType.DOUBLE, 1e-12); }

    @Test void scale2Kernel3Identity() { check(2, 3, Activation.IDENTITY, DataType.DOUBLE, 1e-12); }

    @Test void scale3Kernel5Float() { check(3, 5, Activation.IDENTITY, DataType.FLOAT, 1e-5); }
}
