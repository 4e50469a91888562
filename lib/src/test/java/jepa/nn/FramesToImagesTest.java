package jepa.nn;

import jepa.accel.NativeThreads;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class FramesToImagesTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    /** Values in c order, whatever the array's layout. */
    private static float[] values(INDArray a) { return a.dup('c').data().asFloat(); }

    private static void sameAsDl4j(int threads) {
        int b = 3, c = 2, h = 4, w = 5, t = 6;
        Nd4j.getRandom().setSeed(5);
        INDArray seqs = Nd4j.rand(DataType.FLOAT, b, c * h * w, t), eps = Nd4j.rand(DataType.FLOAT, (long) t * b, c, h, w);
        FramesToImages fast = new FramesToImages(h, w, c);
        RnnToCnnPreProcessor stock = new RnnToCnnPreProcessor(h, w, c);
        int before = NativeThreads.set(threads);
        try {
            INDArray img = fast.preProcess(seqs, b, NO_WS), ref = stock.preProcess(seqs, b, NO_WS);
            assertArrayEquals(ref.shape(), img.shape());
            assertArrayEquals(values(ref), values(img), "images, time-major");
            // image t·B + b is frame t of sequence b
            assertEquals(seqs.getFloat(2, 7, 4), img.getFloat(4L * b + 2, 0, 1, 2));
            INDArray back = fast.backprop(eps, b, NO_WS), refBack = stock.backprop(eps, b, NO_WS);
            assertArrayEquals(refBack.shape(), back.shape());
            assertArrayEquals(values(refBack), values(back), "epsilon back to [B, F, T]");
            // a view (not dense c-order) takes DL4J's path: same values
            INDArray view = Nd4j.rand(DataType.FLOAT, b, t, c * h * w).permute(0, 2, 1);
            assertArrayEquals(values(stock.preProcess(view, b, NO_WS)), values(fast.preProcess(view, b, NO_WS)));
        } finally {
            NativeThreads.set(before);
        }
    }

    @Test
    void sameAsDl4jOnOneThread() { sameAsDl4j(1); }

    @Test
    void sameAsDl4jOnThreeThreads() { sameAsDl4j(3); }

    @Test
    void doubleTakesDl4jsPath() {
        INDArray seqs = Nd4j.rand(DataType.DOUBLE, 2, 12, 3);
        assertArrayEquals(new RnnToCnnPreProcessor(3, 4, 1).preProcess(seqs, 2, NO_WS).dup('c').data().asDouble(),
                new FramesToImages(3, 4, 1).preProcess(seqs, 2, NO_WS).dup('c').data().asDouble());
    }

    @Test
    void jsonKeepsTheClassAndFields() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(20, 3))
                .addLayer("c1", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).build(),
                        new FramesToImages(4, 5, 1), "in")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer(), "c1")
                .setOutputs("out").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var pp = ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("c1")).getPreProcessor();
        FramesToImages f = assertInstanceOf(FramesToImages.class, pp);
        assertEquals(4, f.getInputHeight());
        assertEquals(5, f.getInputWidth());
        assertEquals(1, f.getNumChannels());
        assertInstanceOf(FramesToImages.class, f.clone());
        var cloned = ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.clone().getVertices().get("c1")).getPreProcessor();
        assertInstanceOf(FramesToImages.class, cloned, "a cloned configuration keeps the class");
    }
}
