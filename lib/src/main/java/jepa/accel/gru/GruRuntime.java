package jepa.accel.gru;

import jepa.accel.DenseArrays;
import jepa.accel.ParallelLoops;
import jepa.accel.Sgemm;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The runtime of {@link Gru}: the same forward pass and its exact BPTT backward pass as plain gemms plus one fused
 * Java pass per step for the gates ({@link GruGates}), instead of a SameDiff graph whose per-op session overhead cost
 * several times the GRU's arithmetic. The parameter and gradient views are SameDiffGraphVertex's, so the flattened
 * parameter layout, checkpoints and updaters are unchanged.
 * <p>
 * Layout: every state is FEATURE-MAJOR, [rows, B] per step in fresh c-order buffers [steps, rows, B], so that a step,
 * and each gate block (r, u, n = rows [0, H), [H, 2H), [2H, 3H)), is contiguous: the gemms are gᵀ = Wᵀ·hᵀ into
 * step views, the gate pass reads and writes plain ranges. Layers run one after the other over all steps (a layer
 * only reads the one below), so layer l's backward pass starts with the complete epsilon from layer l+1.
 * <p>
 * Float layers run each pass over all steps natively where {@link NativeLibrary} is available ({@link NativeGru}:
 * the same buffers and maths, gates in float); double layers, and float ones elsewhere, take the Java path above.
 * <p>
 * Gradients are the true ones (no halving: ExactGradientVertex's doubling bug is SameDiff's). The buffers follow the
 * batch size, so unlike the stock runtime the vertex works at any B after a backward pass.
 */
public final class GruRuntime extends SameDiffGraphVertex {
    private final int hidden, layers, steps;
    private long batch = -1;
    private DataType type;
    private INDArray actions;              // [S, A, B]
    private INDArray epsOut;               // [T, H, B]: the incoming epsilon, feature-major
    private INDArray dActions;             // [S, A, B]
    private INDArray dh0, carry;           // [H, B]
    private Layer[] state;
    private GruGates gates;
    private INDArray catA, catH, catD;     // [A | H | 3H, S·B]: a [S, rows, B] buffer's steps side by side (weight gradients)
    private INDArray forwardZ, forwardA;   // the inputs whose forward pass the buffers hold
    private Kernels kernels;               // the native path's buffers (float, when NativeLibrary is available)

    public GruRuntime(Gru config, ComputationGraph graph, String name, int index, INDArray paramsView, boolean initParams,
                      DataType dataType) {
        super(config, graph, name, index, paramsView, initParams, dataType);
        this.hidden = config.hidden();
        this.layers = config.layers();
        this.steps = config.frames() - 1;
    }

    /** One layer's buffers; per step t the views the gemms use. */
    private static final class Layer {
        final INDArray hs, g, gh, dgi, dgh;           // [T, H, B], [S, 3H, B] ×4
        INDArray eps;                                  // epsilon on the layer's outputs: step t at epsBase + t·H·B
        long epsBase;
        final INDArray[] x, dx, hPrev, gi, ghs, dgiS, dghS;

        Layer(DataType type, int h, int s, long b) {
            hs = fresh(type, s + 1, h, b);
            g = fresh(type, s, 3L * h, b);
            gh = fresh(type, s, 3L * h, b);
            dgi = fresh(type, s, 3L * h, b);
            dgh = fresh(type, s, 3L * h, b);
            x = new INDArray[s]; dx = new INDArray[s];
            hPrev = new INDArray[s + 1]; gi = new INDArray[s]; ghs = new INDArray[s]; dgiS = new INDArray[s]; dghS = new INDArray[s];
            for (int t = 0; t <= s; t++) hPrev[t] = step(hs, t);
            for (int t = 0; t < s; t++) {
                gi[t] = step(g, t);
                ghs[t] = step(gh, t);
                dgiS[t] = step(dgi, t);
                dghS[t] = step(dgh, t);
            }
        }
    }

    private static INDArray fresh(DataType type, long... shape) {
        INDArray a = Nd4j.createUninitialized(type, shape, 'c');
        if (!DenseArrays.dense(a)) throw new IllegalStateException("GruRuntime buffers must be dense from their data buffer's start");
        return a;
    }

    /** Step t of a c-order [steps, rows, B] buffer: a contiguous [rows, B] view. */
    private static INDArray step(INDArray a, long t) {
        return a.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private void allocate(long b, DataType dt, int actionDim) {
        if (b == batch && dt == type) return;
        batch = b;
        type = dt;
        actions = fresh(dt, steps, actionDim, b);
        dActions = fresh(dt, steps, actionDim, b);
        epsOut = fresh(dt, steps + 1, hidden, b);
        dh0 = fresh(dt, hidden, b);
        carry = fresh(dt, hidden, b);
        gates = new GruGates(hidden, (int) b);
        catA = fresh(dt, actionDim, steps * b);
        catH = fresh(dt, hidden, steps * b);
        catD = fresh(dt, 3L * hidden, steps * b);
        state = new Layer[layers];
        for (int l = 0; l < layers; l++) state[l] = new Layer(dt, hidden, steps, b);
        long hb = hidden * b;
        for (int l = 0; l < layers; l++) {
            Layer s = state[l];
            if (l == layers - 1) {                     // the rollout's epsilon at indices 1..T−1
                s.eps = epsOut;
                s.epsBase = hb;
            } else {                                   // written by layer l+1's backward pass
                s.eps = fresh(dt, steps, hidden, b);
                s.epsBase = 0;
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < steps; t++) {
                state[l].x[t] = l == 0 ? step(actions, t) : state[l - 1].hPrev[t + 1];
                state[l].dx[t] = l == 0 ? step(dActions, t) : step(state[l - 1].eps, t);
            }
        }
        forwardZ = forwardA = null;
    }

    private INDArray p(String key) { return paramTable.get(key); }

    /**
     * The native passes' buffers ({@link NativeGru}): the weights packed (Wiᵀ, Whᵀ in gate blocks for the forward
     * pass, Wi, Wh for the backward pass; Wh's shared by the layers, which run one after the other), a layer's biases
     * in float and bias gradients in double.
     */
    private static final class Kernels {
        final NativeGru.Packed whT, wh;
        final NativeGru.Packed[] wiT, wi;                        // per layer: layer 0's input is the actions
        final FloatPointer bi, bh;
        final DoublePointer dbi, dbh;

        Kernels(int h, int actionDim, int layers) {
            whT = new NativeGru.Packed(3, h, h);
            wh = new NativeGru.Packed(1, h, 3 * h);
            wiT = new NativeGru.Packed[layers];
            wi = new NativeGru.Packed[layers];
            for (int l = 0; l < layers; l++) {
                int in = l == 0 ? actionDim : h;
                wiT[l] = new NativeGru.Packed(3, h, in);
                wi[l] = new NativeGru.Packed(1, in, 3 * h);
            }
            bi = new FloatPointer(3L * h);
            bh = new FloatPointer(3L * h);
            dbi = new DoublePointer(3L * h);
            dbh = new DoublePointer(3L * h);
        }
    }

    /** The native passes' buffers if this pass runs natively (float, and available: checked per pass), else null. */
    private Kernels kernels() {
        if (!NativeGru.applies(type)) return null;
        if (kernels == null) kernels = new Kernels(hidden, (int) actions.size(1), layers);
        return kernels;
    }

    /** Runs the forward pass into the buffers (outside DL4J's workspaces: they live until the backward pass). */
    private void forward() {
        INDArray z = inputs[0], a = inputs[1];
        DataType dt = p("Wh0").dataType();
        allocate(z.size(0), dt, (int) a.size(1));
        actions.assign(a.castTo(dt).permute(2, 1, 0));
        state[0].hPrev[0].assign(z.castTo(dt).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).transpose());
        long hb = hidden * batch;
        int b = (int) batch;
        Kernels k = kernels();
        for (int l = 0; l < layers; l++) {
            Layer s = state[l];
            if (l > 0) s.hPrev[0].assign(state[0].hPrev[0]);      // every layer starts from z[:, :, 0]
            INDArray wi = p("Wi" + l), wh = p("Wh" + l);
            if (k != null) {                                       // all steps in one native pass
                k.whT.packTransposed(wh);
                k.wiT[l].packTransposed(wi);
                k.bi.put(p("bi" + l).toFloatVector());
                k.bh.put(p("bh" + l).toFloatVector());
                NativeGru.forward(k.wiT[l], k.whT, l == 0 ? actions : state[l - 1].hs, l == 0 ? 0 : hb, s.g, s.gh, s.hs,
                        k.bi, k.bh, hidden, b, steps);
                continue;
            }
            double[] bi = p("bi" + l).toDoubleVector(), bh = p("bh" + l).toDoubleVector();
            for (int t = 0; t < steps; t++) {
                Sgemm.gemm(wi, s.x[t], s.gi[t], true, false, 1.0, 0.0);         // Wiᵀ·xᵀ
                Sgemm.gemm(wh, s.hPrev[t], s.ghs[t], true, false, 1.0, 0.0);    // Whᵀ·hᵀ
                gates.forward(s.g, 3 * hb * t, s.gh, 3 * hb * t, s.hs, hb * t, hb * (t + 1), bi, bh);
            }
        }
        forwardZ = z;
        forwardA = a;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            forward();
        }
        // the top layer's states [T, H, B] are the rollout: index 0 is z[:, :, 0], as the layer starts from it
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, new long[]{batch, hidden, steps + 1}, 'c');
        return out.assign(state[layers - 1].hs.permute(2, 1, 0));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Gradient g = new DefaultGradient();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (inputs[0] != forwardZ || inputs[1] != forwardA) forward();      // the buffers hold another batch
            epsOut.assign(epsilon.castTo(type).permute(2, 1, 0));
            dh0.assign(step(epsOut, 0));                                          // out[:, :, 0] is z[:, :, 0]
            for (int l = layers - 1; l >= 0; l--) backward(l);
            for (String k : paramTable.keySet()) g.gradientForVariable().put(k, gradTable.get(k));
        }
        INDArray dz = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[0].dataType(), inputs[0].shape(), 'c');
        dz.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).assign(dh0.transpose());
        INDArray da = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, inputs[1].dataType(), inputs[1].shape(), 'c');
        da.assign(dActions.permute(2, 1, 0));
        return new Pair<>(g, new INDArray[]{dz, da});
    }

    /** BPTT through layer l: its parameter gradients, the epsilon of its input (dx) and of its initial state (into dh0). */
    private void backward(int l) {
        Layer s = state[l];
        INDArray wi = p("Wi" + l), wh = p("Wh" + l);
        long hb = hidden * batch;
        int b = (int) batch;
        double[] dbi = new double[3 * hidden], dbh = new double[3 * hidden];
        Kernels k = kernels();
        if (k != null) {                                           // all steps in one native pass
            k.wh.pack(wh);
            k.wi[l].pack(wi);
            k.dbi.zero();
            k.dbh.zero();
            NativeGru.backward(k.wh, k.wi[l], s.eps, s.epsBase, carry, s.g, s.gh, s.hs, s.dgi, s.dgh, l == 0 ? dActions : state[l - 1].eps,
                    k.dbi, k.dbh, hidden, b, steps);
            k.dbi.get(dbi);
            k.dbh.get(dbh);
        } else {
            for (int t = steps - 1; t >= 0; t--) {
                gates.backward(s.eps, s.epsBase + hb * t, carry, t < steps - 1, s.g, 3 * hb * t, s.gh, 3 * hb * t,
                        s.hs, hb * t, s.dgi, s.dgh, 3 * hb * t, dbi, dbh);
                Sgemm.gemm(wh, s.dghS[t], carry, false, false, 1.0, 1.0);         // dL/dh_t = dL/dh' ⊙ u + Wh·dgh
                Sgemm.gemm(wi, s.dgiS[t], s.dx[t], false, false, 1.0, 0.0);       // dL/dx_t = Wi·dgi
            }
        }
        dh0.addi(carry);
        // dW = Σ_t x_t·dg_tᵀ as one gemm over the steps side by side ([rows, S·B]): 16 gemms with K = B ran at half speed
        if (l == 0) weightGradient(actions, 0, catA, s.dgi, gradTable.get("Wi0"));
        else weightGradient(state[l - 1].hs, 1, catH, s.dgi, gradTable.get("Wi" + l));   // x_t is the lower layer's h_{t+1}
        weightGradient(s.hs, 0, catH, s.dgh, gradTable.get("Wh" + l));
        gradTable.get("bi" + l).assign(Nd4j.createFromArray(dbi).castTo(type).reshape(1, 3L * hidden));
        gradTable.get("bh" + l).assign(Nd4j.createFromArray(dbh).castTo(type).reshape(1, 3L * hidden));
    }

    /** dw = Σ_t x_t·d_tᵀ over the steps, x_t = step (first + t) of xs [·, rows, B] (via x), d_t = step t of ds [S, 3H, B]. */
    private void weightGradient(INDArray xs, int first, INDArray x, INDArray ds, INDArray dw) {
        sideBySide(xs, first, x);
        sideBySide(ds, 0, catD);
        Sgemm.gemm(x, catD, dw, false, true, 1.0, 0.0);
    }

    /** dst [rows, S·B] ← steps first … first+S−1 of src [·, rows, B] side by side (both dense c-order, same type). */
    private void sideBySide(INDArray src, int first, INDArray dst) {
        int rows = (int) dst.size(0), b = (int) batch, s = steps;
        long bytes = (long) b * src.data().getElementSize();
        ParallelLoops.forRange(rows, (from, to) -> {
            BytePointer in = new BytePointer(src.data().addressPointer());
            BytePointer out = new BytePointer(dst.data().addressPointer());
            for (int r = from; r < to; r++)
                for (int t = 0; t < s; t++)
                    Pointer.memcpy(out.position(((long) r * s + t) * bytes),
                            in.position((((long) first + t) * rows + r) * bytes), bytes);
        });
    }
}
