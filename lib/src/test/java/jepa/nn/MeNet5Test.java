package jepa.nn;

import jepa.accel.conv.Conv2d;

import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Vicreg;
import jepa.accel.loss.VicregParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** MeNet5 shapes, parameter counts, layouts (input, flatten, time) and BatchNorm conventions. */
class MeNet5Test {
    static final int T = 17;

    @Test
    void referenceSizeShapesAndParameterCounts() {
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 2, 512, 1, 1), VicregParams.defaults(), new Sgd(0.1));
        ComputationGraph cg = net.graph();
        // by hand, w = 2: channels 32, 64, 64; dense 576 → 512
        long c1 = 1 * 32 * 25 + 32, bn1 = 2 * 32;       //    832,     64
        long c2 = 32 * 64 * 25 + 64, bn2 = 2 * 64;      // 51,264,    128
        long c3 = 64 * 64 * 9 + 64, bn3 = 2 * 64;       // 36,928,    128
        long fc = 576 * 512 + 512;                      // 295,424
        long encoder = c1 + bn1 + c2 + bn2 + c3 + bn3 + fc;
        assertEquals(384_768, encoder);
        assertEquals(encoder, MeNet5.trainableParams(1, 2, 512));
        assertEquals(c1, cg.getLayer("enc_seq_c1").numParams());
        assertEquals(c2, cg.getLayer("enc_seq_c2").numParams());
        assertEquals(c3, cg.getLayer("enc_seq_c3").numParams());
        // the first convolution sees the data: no input gradient; the others hand theirs on
        for (String c : new String[]{"c1", "c2", "c3"})
            assertEquals(!c.equals("c1"), ((Conv2d) cg.getLayer("enc_seq_" + c).conf().getLayer()).isInputGradient(), c);
        assertEquals(fc, cg.getLayer("enc_seq_fc").numParams());
        assertEquals(bn1 + 2 * 32, cg.getLayer("enc_seq_bn1").numParams());   // DL4J also stores running mean/var
        long gru = 2 * 1536 + 512 * 1536 + 2 * 1536;    // W_ih, W_hh, b_ih, b_hh
        assertEquals(encoder + gru, net.numParams());
        assertEquals(1_177_344, net.numParams());
        assertEquals(net.numParams() + 2 * (32 + 64 + 64), cg.params().length());
        assertEquals(encoder + 2 * (32 + 64 + 64), cg.numParams());     // DL4J quirk: cg.numParams() omits SameDiff vertices

        INDArray frames = Nd4j.rand(DataType.FLOAT, 2, 784, T);
        INDArray actions = Nd4j.randn(DataType.FLOAT, 2, 2, T - 1);
        assertArrayEquals(new long[]{2, 512, T}, net.encode(frames).shape());
        assertArrayEquals(new long[]{2, 512, T}, net.rollout(frames, actions).shape());
        assertArrayEquals(new long[]{2, 512}, net.encodeFirstFrame(frames).shape());
    }

    @Test
    void inputLayoutFlattenOrderAndTimeOrder() {
        int b = 2, c = 3, d = 5;
        JepaNetwork net = Vicreg.build(new JepaParams(c, false, 1, d, 1, 3), VicregParams.defaults(), new Sgd(0.1), DataType.DOUBLE);
        ComputationGraph cg = net.graph();
        Nd4j.getRandom().setSeed(9);
        INDArray frames = Nd4j.randn(DataType.DOUBLE, b, c * 784, T);
        INDArray actions = Nd4j.randn(DataType.DOUBLE, b, 2, T - 1);
        Map<String, INDArray> ff = cg.feedForward(new INDArray[]{frames, actions}, false);

        // conv1 output pixel (o, 3, 4) of item 1, frame 5, by hand: input feature c·784 + h·28 + w, padding 2, stride 2
        INDArray w1 = cg.getLayer("enc_seq_c1").getParam("W"), b1 = cg.getLayer("enc_seq_c1").getParam("b");
        int n = 5 * b + 1, o = 7;          // DL4J's RnnToCnn/FeedForwardToRnn order the B·T images time-major: row t·B + b
        double s = b1.reshape(-1).getDouble(o);
        for (int ch = 0; ch < c; ch++)
            for (int kh = 0; kh < 5; kh++)
                for (int kw = 0; kw < 5; kw++)
                    s += w1.getDouble(o, ch, kh, kw) * frames.getDouble(1, ch * 784 + (2 * 3 - 2 + kh) * 28 + (2 * 4 - 2 + kw), 5);
        assertEquals(Math.max(0, s), ff.get("enc_seq_c1").getDouble(n, o, 3, 4), 1e-10, "conv → ReLU on channel-major input");

        // avg pool 2/2 of 7×7 drops the last row and column
        INDArray bn3 = ff.get("enc_seq_bn3"), pool = ff.get("enc_seq_pool");
        assertArrayEquals(new long[]{b * T, 32, 3, 3}, pool.shape());
        double avg = (bn3.getDouble(n, 4, 4, 2) + bn3.getDouble(n, 4, 4, 3) + bn3.getDouble(n, 4, 5, 2) + bn3.getDouble(n, 4, 5, 3)) / 4;
        assertEquals(avg, pool.getDouble(n, 4, 2, 1), 1e-12);

        // flatten channel-major: feature index c·9 + h·3 + w
        INDArray flat = pool.reshape('c', b * T, 32 * 9);
        assertEquals(pool.getDouble(n, 4, 2, 1), flat.getDouble(n, 4 * 9 + 2 * 3 + 1), 0);
        INDArray wfc = cg.getLayer("enc_seq_fc").getParam("W"), bfc = cg.getLayer("enc_seq_fc").getParam("b");
        INDArray fc = flat.mmul(wfc).addiRowVector(bfc.reshape(1, -1));
        assertTrue(fc.equalsWithEps(ff.get("enc_seq_fc"), 1e-10));

        // time series: enc_seq[b, :, t] = row t·B + b
        INDArray enc = ff.get(JepaNetwork.ENC_SEQ);
        for (int item = 0; item < b; item++)
            for (int t : new int[]{0, 5, 16})
                assertTrue(enc.get(NDArrayIndex.point(item), NDArrayIndex.all(), NDArrayIndex.point(t))
                        .equalsWithEps(fc.getRow((long) t * b + item), 1e-10));
        // rollout index 0 = encoding of frame 1 = encodeFirstFrame
        INDArray roll = ff.get(JepaNetwork.ROLLOUT);
        INDArray first = enc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        assertTrue(roll.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).equalsWithEps(first, 1e-12));
        assertTrue(net.encodeFirstFrame(frames).equalsWithEps(first, 1e-12));
        assertTrue(net.encode(frames).equalsWithEps(enc, 1e-12));
    }

    @Test
    void sumChannelsEqualsOneChannelModelOnSummedFrames() {
        int b = 3, d = 6;
        JepaNetwork summed = Vicreg.build(new JepaParams(3, true, 1, d, 1, 5), VicregParams.defaults(), new Sgd(0.1), DataType.DOUBLE);
        JepaNetwork single = Vicreg.build(new JepaParams(1, false, 1, d, 1, 5), VicregParams.defaults(), new Sgd(0.1), DataType.DOUBLE);
        assertEquals(single.numParams(), summed.numParams());
        Nd4j.getRandom().setSeed(2);
        INDArray frames3 = Nd4j.randn(DataType.DOUBLE, b, 3 * 784, T);
        INDArray frames1 = frames3.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 784), NDArrayIndex.all())
                .add(frames3.get(NDArrayIndex.all(), NDArrayIndex.interval(784, 1568), NDArrayIndex.all()))
                .add(frames3.get(NDArrayIndex.all(), NDArrayIndex.interval(1568, 2352), NDArrayIndex.all()));
        INDArray actions = Nd4j.randn(DataType.DOUBLE, b, 2, T - 1);
        assertTrue(summed.rollout(frames3, actions).equalsWithEps(single.rollout(frames1, actions), 1e-10));
        assertEquals(1, new JepaParams(3, true, 1, d, 1, 5).encoderChannels());
    }

    @Test
    void batchNormRunningMeanUsesMomentumPointOne() {
        int b = 4, d = 4;
        JepaNetwork net = Vicreg.build(new JepaParams(1, false, 1, d, 1, 8), VicregParams.defaults(), new Sgd(0.01), DataType.DOUBLE);
        ComputationGraph cg = net.graph();
        Nd4j.getRandom().setSeed(4);
        INDArray frames = Nd4j.randn(DataType.DOUBLE, b, 784, T);
        INDArray actions = Nd4j.randn(DataType.DOUBLE, b, 2, T - 1);
        INDArray c1 = cg.feedForward(new INDArray[]{frames, actions}, true).get("enc_seq_c1");  // BN1's input
        INDArray batchMean = c1.mean(0, 2, 3);
        INDArray batchVar = c1.var(false, 0, 2, 3);
        assertEquals(0.0, cg.getLayer("enc_seq_bn1").getParam("mean").sumNumber().doubleValue(), 0);
        cg.fit(Vicreg.dataSet(frames, actions));
        INDArray running = cg.getLayer("enc_seq_bn1").getParam("mean").reshape(-1);
        assertTrue(running.equalsWithEps(batchMean.mul(0.1), 1e-10), running + " vs 0.1·" + batchMean);
        INDArray runningVar = cg.getLayer("enc_seq_bn1").getParam("var").reshape(-1);
        assertTrue(runningVar.equalsWithEps(batchVar.mul(0.1).add(0.9), 1e-8), "running var = 0.9·1 + 0.1·(biased) batch var");
    }
}
