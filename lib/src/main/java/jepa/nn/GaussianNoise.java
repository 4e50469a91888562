package jepa.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.SplittableRandom;

/**
 * Standard normal noise ε [B, channels, slots] for the RSSM's samples, drawn from the vertex's own seeded stream
 * (java.util.SplittableRandom, not ND4J's global RNG), so a freshly built or freshly loaded graph repeats its draws
 * exactly; successive forward passes of one instance draw new noise (the reference samples at every call, reference §8).
 * With {@code sample = false} it outputs zeros, i.e. every sample is its mean (gradient checks).
 * <p>
 * Its input only gives the batch size; no gradient flows back (zeros), it has no parameters.
 */
public class GaussianNoise extends GraphVertex {
    @JsonProperty private int channels;
    @JsonProperty private int slots;
    @JsonProperty private long seed;
    @JsonProperty private boolean sample = true;

    /** For JSON deserialisation only. */
    public GaussianNoise() {}

    public GaussianNoise(int channels, int slots, long seed, boolean sample) {
        if (channels < 1) throw new jepa.settings.ConfigError("noise channels must be >= 1, got " + channels);
        if (slots < 1) throw new jepa.settings.ConfigError("noise slots must be >= 1, got " + slots);
        this.channels = channels; this.slots = slots; this.seed = seed; this.sample = sample;
    }

    public int channels() { return channels; }
    public int slots() { return slots; }
    public long seed() { return seed; }
    public boolean sample() { return sample; }

    @Override public GaussianNoise clone() { return new GaussianNoise(channels, slots, seed, sample); }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianNoise g && g.channels == channels && g.slots == slots && g.seed == seed && g.sample == sample;
    }

    @Override public int hashCode() { return java.util.Objects.hash(channels, slots, seed, sample); }
    @Override public long numParams(boolean backprop) { return 0; }
    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType dataType) {
        return new Sampler(graph, name, idx, dataType, this);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) { return InputType.recurrent(channels, slots); }

    @Override
    public MemoryReport getMemoryReport(InputType... inputs) {
        return new LayerMemoryReport.Builder(null, GaussianNoise.class, inputs[0], getOutputType(0, inputs)).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** The runtime vertex: one random stream per instance, started at the configured seed. */
    static final class Sampler extends BaseGraphVertex {
        private final GaussianNoise conf;
        private final SplittableRandom rng;

        Sampler(ComputationGraph graph, String name, int idx, DataType dataType, GaussianNoise conf) {
            super(graph, name, idx, (VertexIndices[]) null, (VertexIndices[]) null, dataType);
            this.conf = conf;
            this.rng = new SplittableRandom(conf.seed);
        }

        @Override public boolean hasLayer() { return false; }
        @Override public Layer getLayer() { return null; }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            long b = inputs[0].size(0);
            INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, inputs[0].dataType(), new long[]{b, conf.channels, conf.slots}, 'c');
            if (!conf.sample) return out.assign(0);
            double[] v = new double[Math.toIntExact(out.length())];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
            return out.assign(Nd4j.createFromArray(v).reshape(b, conf.channels, conf.slots).castTo(out.dataType()));
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray zero = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[0].dataType(), inputs[0].shape(), 'c').assign(0);
            return new Pair<>(null, new INDArray[]{zero});
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray view) {
            if (view != null) throw new IllegalStateException("GaussianNoise has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatch) { return null; }

        @Override public String toString() { return "GaussianNoise(" + vertexName + ")"; }
    }
}
