package jepa.accel.dense;

import jepa.accel.Backend;
import jepa.accel.HostCopy;
import jepa.accel.LayerRuntimes;
import jepa.accel.ParallelLoops;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collection;

/**
 * DL4J's SubsamplingLayer (same configuration and JSON, no parameters) with a runtime that does average pooling
 * (NCHW, no padding, dilation 1, Truncate mode: MeNet5's 2×2/2 pool, 7→3) in Java loops over dense arrays,
 * parallel over images ({@link ParallelLoops}).
 * <p>
 * Why (DL4J 1.0.0-M2.1, helper-less CPU): the stock layer runs libnd4j's single-threaded avgpool2d / avgpool2d_bp
 * ops, ~2.8 % of a MeNet5 training step at 1088 images. Forward: each output is the sum of its kH×kW window divided
 * by kH·kW; backward: each input pixel gets eps/(kH·kW) of every window that contains it, 0 where no window reaches
 * (the last row/column when (H−kH) is not a multiple of the stride); sums in double (float results are within an ulp
 * of the stock layer's). Each image is written by one thread only, so results do not depend on the thread count.
 * Measured (ContiguousAvgPoolBench, [1088, 64, 7, 7] float, 1 thread): a graph pool → output forward+backward with
 * workspaces 25–31 ms stock, 19–27 ms here; the Java loops alone ~6 ms each way (they run on all of a task's threads).
 * <p>
 * As the stock layer (see its activate), no dropout is applied (forward or backward) even when configured, masks
 * are passed on by the inherited feedForwardMaskArray, and the Gradient is empty. Any other pooling type, format,
 * padding, dilation, convolution mode, data type or a cuDNN/oneDNN helper takes the stock code path.
 */
public class AvgPool2d extends SubsamplingLayer {

    /** For JSON deserialisation only. */
    public AvgPool2d() {}

    /** The layer DL4J's builder describes (after the builder's own validation of kernel, stride and padding). */
    public AvgPool2d(SubsamplingLayer.Builder b) { super(validated(b)); }

    private static SubsamplingLayer.Builder validated(SubsamplingLayer.Builder b) {
        b.build();
        return b;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        if (Backend.current() == Backend.STOCK) return super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, networkDataType);
        return LayerRuntimes.wire(new AvgPool2dRuntime(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override
    public AvgPool2d clone() { return (AvgPool2d) super.clone(); }

    /**
     * Average pooling of dense [n, c, h, w] float or double arrays (no padding, Truncate: oh = (h−kh)/sh + 1), one
     * image at a time through JavaCPP bulk copies, computed in double (float is widened on read, rounded on write).
     */
    static final class Pool {
        final int n, c, h, w, kh, kw, sh, sw, oh, ow, inPer, outPer;
        private final int[] corner;   // top-left input index of each output's window in an image

        Pool(int n, int c, int h, int w, int kh, int kw, int sh, int sw) {
            this.n = n; this.c = c; this.h = h; this.w = w;
            this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw;
            this.oh = (h - kh) / sh + 1;
            this.ow = (w - kw) / sw + 1;
            this.inPer = c * h * w;
            this.outPer = c * oh * ow;
            corner = new int[outPer];
            int o = 0;
            for (int plane = 0; plane < c; plane++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) corner[o++] = (plane * h + oy * sh) * w + ox * sw;
        }

        /** y = window means of x, images [i0, i1). */
        void forward(INDArray x, INDArray y, int i0, int i1) {
            HostCopy host = new HostCopy(Math.max(inPer, outPer));
            double[] xb = new double[inPer], yb = new double[outPer];
            double div = kh * kw;
            for (int i = i0; i < i1; i++) {
                host.read(x, (long) i * inPer, xb, 0, inPer);
                for (int o = 0; o < outPer; o++) {
                    double sum = 0;
                    for (int ky = 0, r = corner[o]; ky < kh; ky++, r += w)
                        for (int kx = 0; kx < kw; kx++) sum += xb[r + kx];
                    yb[o] = sum / div;
                }
                host.write(yb, 0, y, (long) i * outPer, outPer);
            }
        }

        /** dx = Σ over the windows containing each pixel of dy/(kh·kw) (0 outside every window), images [i0, i1). */
        void backward(INDArray dy, INDArray dx, int i0, int i1) {
            HostCopy host = new HostCopy(Math.max(inPer, outPer));
            double[] db = new double[outPer], xb = new double[inPer];
            double div = kh * kw;
            for (int i = i0; i < i1; i++) {
                host.read(dy, (long) i * outPer, db, 0, outPer);
                Arrays.fill(xb, 0);
                for (int o = 0; o < outPer; o++) {
                    double g = db[o] / div;
                    for (int ky = 0, r = corner[o]; ky < kh; ky++, r += w)
                        for (int kx = 0; kx < kw; kx++) xb[r + kx] += g;
                }
                host.write(xb, 0, dx, (long) i * inPer, inPer);
            }
        }
    }
}
