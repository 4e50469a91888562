package jepa.accel.loss;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J contract of the hand-written whole-batch loss runtimes ({@link VicregLossRuntime}, {@link InfoNceLossRuntime}),
 * as DL4J's SameDiff runtime keeps it ({@link LossScale}): computeScore = L (+ regularisation / B), the returned
 * epsilon is B·∂L/∂x (miniBatch(true) divides it by B), activations are the input itself. backpropGradient remembers
 * its loss for the computeScore that DL4J calls next on the same input (setInput forgets it). Any batch size; FLOAT or
 * DOUBLE networks. No parameters.
 */
abstract class LossRuntime extends org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer {
    private INDArray scoredInput;
    private double scoredLoss;

    LossRuntime(NeuralNetConfiguration conf, DataType dataType, String name) {
        super(conf, dataType);
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
            throw new IllegalArgumentException(name + " runs in FLOAT or DOUBLE networks, not " + dataType);
    }

    /** L for the current input; with eps non-null (fresh c-order, the input's shape) also writes B·∂L/∂x into it. */
    abstract double loss(INDArray eps);

    /** Why there is no per-example score (the loss couples the batch). */
    abstract String noPerExampleScore();

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        scoredInput = null;
        super.setInput(input, workspaceMgr);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        double l = input == scoredInput ? scoredLoss : loss(null);
        return l + fullNetRegTerm / input.size(0);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        scoredLoss = loss(eps);
        scoredInput = input;
        return new Pair<>(new DefaultGradient(), eps);
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(noPerExampleScore());
    }
}
