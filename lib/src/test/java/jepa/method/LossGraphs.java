package jepa.method;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/** Tiny graphs around a loss layer, for the tests: input x [B, 2D, T] -> (optional Dense 2D->2D per frame) -> loss. */
public final class LossGraphs {
    private LossGraphs() {}

    /** x goes straight into the loss layer: the layer sees exactly the input. */
    public static ComputationGraph direct(Layer loss, int d, int frames, DataType dt) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(dt).updater(new NoOp())
                .graphBuilder().addInputs("x").setInputTypes(InputType.recurrent(2L * d, frames))
                .addLayer("loss", loss, "x").setOutputs("loss").build();
        ComputationGraph cg = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.toJson()));   // as dl4j-spark ships it
        cg.init();
        return cg;
    }

    /** x -> Dense(2D -> 2D, identity) applied per frame -> loss: trainable parameters below the loss. */
    public static ComputationGraph withDense(Layer loss, int d, int frames, DataType dt, IUpdater updater, boolean miniBatch) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(dt).updater(updater)
                .miniBatch(miniBatch)
                .graphBuilder().addInputs("x").setInputTypes(InputType.recurrent(2L * d, frames))
                .addLayer("dense", new DenseLayer.Builder().nIn(2L * d).nOut(2L * d).activation(Activation.TANH).build(),
                        new RnnToFeedForwardPreProcessor(), "x")
                .addLayer("loss", loss, new FeedForwardToRnnPreProcessor(), "dense").setOutputs("loss").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        return cg;
    }

    public static MultiDataSet batch(INDArray x, INDArray labels) {
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{labels});
    }

    /** The dummy label of the losses that need none. */
    public static INDArray dummy(int b, DataType dt) { return Nd4j.zeros(dt, b, 1); }

    /** The layer's loss L: the layer returns B·L and DL4J's score divides by B, so cg.score = L ({@link LossScale}). */
    public static double loss(ComputationGraph cg, MultiDataSet mds) {
        return cg.score(mds, false);
    }

    public static boolean gradientsOk(ComputationGraph cg, MultiDataSet mds) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(cg)
                .inputs(mds.getFeatures()).labels(mds.getLabels())
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
    }

    public static double[][][] toArray3(INDArray a) {
        long[] s = a.shape();
        double[][][] out = new double[(int) s[0]][(int) s[1]][(int) s[2]];
        for (int i = 0; i < s[0]; i++)
            for (int j = 0; j < s[1]; j++)
                for (int k = 0; k < s[2]; k++) out[i][j][k] = a.getDouble(i, j, k);
        return out;
    }

    public static double relErr(double a, double b) { return Math.abs(a - b) / Math.max(1e-300, Math.max(Math.abs(a), Math.abs(b))); }
}
