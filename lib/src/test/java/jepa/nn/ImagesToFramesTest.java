package jepa.nn;

import jepa.accel.DenseArrays;
import jepa.accel.NativeThreads;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ImagesToFrames} against DL4J's FeedForwardToRnnPreProcessor: forward and epsilon values (bit-identical: it
 * only moves values) on several shapes incl. MeNet5's [1088, 512] with B = 64, row t·B + b ↔ [b, :, t] by hand,
 * dense c-order outputs, 1 and 3 threads, DL4J's path for double / NWC / views, masks, JSON and clone.
 */
class ImagesToFramesTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    /** Values in c order, whatever the array's layout. */
    private static float[] values(INDArray a) { return a.dup('c').data().asFloat(); }

    private static void sameAsDl4j(int b, int f, int t, int threads) {
        Nd4j.getRandom().setSeed(5);
        INDArray rows = Nd4j.randn(DataType.FLOAT, (long) t * b, f), eps = Nd4j.randn(DataType.FLOAT, b, f, t);
        ImagesToFrames fast = new ImagesToFrames();
        FeedForwardToRnnPreProcessor stock = new FeedForwardToRnnPreProcessor();
        int before = NativeThreads.set(threads);
        try {
            String tag = "B " + b + " F " + f + " T " + t + ", " + threads + " threads";
            INDArray seq = fast.preProcess(rows, b, NO_WS), ref = stock.preProcess(rows, b, NO_WS);
            assertArrayEquals(new long[]{b, f, t}, seq.shape(), tag);
            assertArrayEquals(ref.shape(), seq.shape(), tag);
            assertTrue(DenseArrays.dense(seq), "dense c-order output " + tag);
            assertArrayEquals(values(ref), values(seq), "frames " + tag);
            // row t·B + b is frame t of sequence b
            assertEquals(rows.getFloat((long) (t - 1) * b + (b - 1), f / 2), seq.getFloat(b - 1, f / 2, t - 1), 0f, tag);
            INDArray back = fast.backprop(eps, b, NO_WS), refBack = stock.backprop(eps, b, NO_WS);
            assertArrayEquals(new long[]{(long) t * b, f}, back.shape(), tag);
            assertTrue(DenseArrays.dense(back), "dense c-order epsilon " + tag);
            assertArrayEquals(values(refBack), values(back), "epsilon back to [T·B, F] " + tag);
            assertEquals(eps.getFloat(0, f - 1, t - 1), back.getFloat((long) (t - 1) * b, f - 1), 0f, tag);
        } finally {
            NativeThreads.set(before);
        }
    }

    @Test
    void sameAsDl4jOnOneAndThreeThreads() {
        for (int threads : new int[]{1, 3}) {
            sameAsDl4j(3, 5, 4, threads);
            sameAsDl4j(1, 6, 3, threads);     // B = 1: DL4J's special case backward
            sameAsDl4j(7, 2, 17, threads);
        }
        sameAsDl4j(64, 512, 17, 3);           // MeNet5's [1088, 512]
    }

    /** T = 1: DL4J's backward edge case returns a [B, F] view; ours the same values, dense. */
    @Test
    void singleFrame() { sameAsDl4j(4, 3, 1, 2); }

    @Test
    void otherInputsTakeDl4jsPath() {
        ImagesToFrames fast = new ImagesToFrames();
        FeedForwardToRnnPreProcessor stock = new FeedForwardToRnnPreProcessor();
        INDArray d = Nd4j.randn(DataType.DOUBLE, 6, 4);
        assertArrayEquals(stock.preProcess(d, 2, NO_WS).dup('c').data().asDouble(), fast.preProcess(d, 2, NO_WS).dup('c').data().asDouble());
        INDArray view = Nd4j.randn(DataType.FLOAT, 4, 6).transpose();          // [6, 4], 'f'
        assertArrayEquals(values(stock.preProcess(view, 3, NO_WS)), values(fast.preProcess(view, 3, NO_WS)));
        INDArray epsView = Nd4j.randn(DataType.FLOAT, 3, 2, 4).permute(0, 2, 1);   // [3, 4, 2], strided
        assertArrayEquals(values(stock.backprop(epsView, 3, NO_WS)), values(fast.backprop(epsView, 3, NO_WS)));
        INDArray rows = Nd4j.randn(DataType.FLOAT, 6, 4);
        ImagesToFrames nwc = new ImagesToFrames(RNNFormat.NWC);
        INDArray out = nwc.preProcess(rows, 2, NO_WS);
        assertArrayEquals(new long[]{2, 3, 4}, out.shape());
        assertArrayEquals(values(new FeedForwardToRnnPreProcessor(RNNFormat.NWC).preProcess(rows, 2, NO_WS)), values(out));
    }

    @Test
    void masksAsDl4j() {
        INDArray mask = Nd4j.create(new float[]{1, 1, 0, 1, 0, 0}, 6, 1);
        Pair<INDArray, MaskState> s = new FeedForwardToRnnPreProcessor().feedForwardMaskArray(mask, MaskState.Active, 2);
        Pair<INDArray, MaskState> f = new ImagesToFrames().feedForwardMaskArray(mask, MaskState.Active, 2);
        assertEquals(s.getFirst(), f.getFirst());
        assertEquals(s.getSecond(), f.getSecond());
    }

    @Test
    void jsonAndCloneKeepTheClassAndFields() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("d", new DenseLayer.Builder().nOut(3).build(), "in")
                .addVertex("seq", new PreprocessorVertex(new ImagesToFrames(RNNFormat.NWC)), "d")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                        .activation(Activation.IDENTITY).dataFormat(RNNFormat.NWC).build(), "seq")
                .setOutputs("out").build();
        String json = conf.toJson();
        assertTrue(json.contains(ImagesToFrames.class.getName()));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        var pp = ((PreprocessorVertex) back.getVertices().get("seq")).getPreProcessor();
        ImagesToFrames f = assertInstanceOf(ImagesToFrames.class, pp);
        assertEquals(RNNFormat.NWC, f.getRnnDataFormat());
        assertEquals(json, back.toJson());
        assertInstanceOf(ImagesToFrames.class, f.clone());
        assertEquals(RNNFormat.NWC, f.clone().getRnnDataFormat());
        var cloned = ((PreprocessorVertex) back.clone().getVertices().get("seq")).getPreProcessor();
        assertInstanceOf(ImagesToFrames.class, cloned, "a cloned configuration keeps the class");
        assertEquals(RNNFormat.NCW, new ImagesToFrames().getRnnDataFormat());
        assertEquals(RNNFormat.NCW, new ImagesToFrames(null).getRnnDataFormat());
    }
}
