package jepa.nn;

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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link Gru}: the same forward pass and its exact BPTT backward pass written with a few ND4J ops per
 * step instead of a SameDiff graph (whose per-op session overhead cost ~4× the GRU's gemms). The parameter views and
 * gradient views are SameDiffGraphVertex's, so the flattened parameter layout, checkpoints and updaters are unchanged.
 * <p>
 * Layout: every state is kept FEATURE-MAJOR, [rows, B] per step in c-order buffers [steps, rows, B], so that a step
 * and each gate block (r, u, n = rows [0, H), [H, 2H), [2H, 3H)) are contiguous views: the gemms are
 * gᵀ = Wᵀ·hᵀ and the elementwise ops never see strided arrays. Layers run one after the other over all steps (a
 * layer only reads the one below), so layer l's backward pass has the complete epsilon from layer l+1.
 * <p>
 * Gradients are the true ones (no halving: ExactGradientVertex's doubling bug is SameDiff's). The buffers are
 * reallocated when the batch size changes, so unlike the stock runtime the vertex works at any B after a backward.
 */
public final class GruRuntime extends SameDiffGraphVertex {
    private final int hidden, layers, steps;
    private long batch = -1;
    private DataType type;
    private INDArray actions;           // [S, A, B]
    private INDArray epsOut;            // [T, H, B]: the incoming epsilon, feature-major
    private INDArray dActions;          // [S, A, B]
    private INDArray dh0, t1, t2, carry;   // [H, B] scratch
    private Layer[] state;
    private INDArray forwardZ, forwardA;   // the inputs whose forward pass the buffers hold

    public GruRuntime(Gru config, ComputationGraph graph, String name, int index, INDArray paramsView, boolean initParams,
                      DataType dataType) {
        super(config, graph, name, index, paramsView, initParams, dataType);
        this.hidden = config.hidden();
        this.layers = config.layers();
        this.steps = config.frames() - 1;
    }

    /** One layer's buffers and, per step t, its views. */
    private static final class Layer {
        final INDArray hs, g, gh, dgi, dgh, ein;     // [T, H, B], [S, 3H, B] ×4, [S, H, B] (null on top)
        final INDArray[] x, hPrev, hNext, gi, ru, r, u, n, ghs, ghRu, ghN, dgiS, dgiRu, dgiR, dgiU, dgiN, dghS, dghRu, dghN, epsIn, dx;

        Layer(DataType type, int h, int s, long b, boolean top) {
            hs = Nd4j.createUninitialized(type, new long[]{s + 1, h, b}, 'c');
            g = Nd4j.createUninitialized(type, new long[]{s, 3L * h, b}, 'c');
            gh = Nd4j.createUninitialized(type, new long[]{s, 3L * h, b}, 'c');
            dgi = Nd4j.createUninitialized(type, new long[]{s, 3L * h, b}, 'c');
            dgh = Nd4j.createUninitialized(type, new long[]{s, 3L * h, b}, 'c');
            ein = top ? null : Nd4j.createUninitialized(type, new long[]{s, h, b}, 'c');
            x = new INDArray[s]; dx = new INDArray[s]; epsIn = new INDArray[s];
            hPrev = new INDArray[s]; hNext = new INDArray[s];
            gi = new INDArray[s]; ru = new INDArray[s]; r = new INDArray[s]; u = new INDArray[s]; n = new INDArray[s];
            ghs = new INDArray[s]; ghRu = new INDArray[s]; ghN = new INDArray[s];
            dgiS = new INDArray[s]; dgiRu = new INDArray[s]; dgiR = new INDArray[s]; dgiU = new INDArray[s]; dgiN = new INDArray[s];
            dghS = new INDArray[s]; dghRu = new INDArray[s]; dghN = new INDArray[s];
            for (int t = 0; t < s; t++) {
                hPrev[t] = step(hs, t);
                hNext[t] = step(hs, t + 1);
                gi[t] = step(g, t);
                ru[t] = rows(gi[t], 0, 2L * h); r[t] = rows(gi[t], 0, h); u[t] = rows(gi[t], h, 2L * h); n[t] = rows(gi[t], 2L * h, 3L * h);
                ghs[t] = step(gh, t);
                ghRu[t] = rows(ghs[t], 0, 2L * h); ghN[t] = rows(ghs[t], 2L * h, 3L * h);
                dgiS[t] = step(dgi, t);
                dgiRu[t] = rows(dgiS[t], 0, 2L * h); dgiR[t] = rows(dgiS[t], 0, h);
                dgiU[t] = rows(dgiS[t], h, 2L * h); dgiN[t] = rows(dgiS[t], 2L * h, 3L * h);
                dghS[t] = step(dgh, t);
                dghRu[t] = rows(dghS[t], 0, 2L * h); dghN[t] = rows(dghS[t], 2L * h, 3L * h);
                if (!top) epsIn[t] = step(ein, t);
            }
        }
    }

    /** Step t of a c-order [steps, rows, B] buffer: a contiguous [rows, B] view. */
    private static INDArray step(INDArray a, long t) {
        return a.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Rows [from, to) of a c-order [rows, B] view: contiguous. */
    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private void allocate(long b, DataType dt, int actionDim) {
        if (b == batch && dt == type) return;
        batch = b;
        type = dt;
        actions = Nd4j.createUninitialized(dt, new long[]{steps, actionDim, b}, 'c');
        dActions = Nd4j.createUninitialized(dt, new long[]{steps, actionDim, b}, 'c');
        epsOut = Nd4j.createUninitialized(dt, new long[]{steps + 1, hidden, b}, 'c');
        dh0 = Nd4j.createUninitialized(dt, new long[]{hidden, b}, 'c');
        t1 = Nd4j.createUninitialized(dt, new long[]{hidden, b}, 'c');
        t2 = Nd4j.createUninitialized(dt, new long[]{hidden, b}, 'c');
        carry = Nd4j.createUninitialized(dt, new long[]{hidden, b}, 'c');
        state = new Layer[layers];
        for (int l = 0; l < layers; l++) state[l] = new Layer(dt, hidden, steps, b, l == layers - 1);
        for (int l = 0; l < layers; l++) {
            Layer s = state[l];
            for (int t = 0; t < steps; t++) {
                s.x[t] = l == 0 ? step(actions, t) : state[l - 1].hNext[t];
                s.dx[t] = l == 0 ? step(dActions, t) : state[l - 1].epsIn[t];
                if (l == layers - 1) s.epsIn[t] = step(epsOut, t + 1);
            }
        }
        forwardZ = forwardA = null;
    }

    private INDArray p(String key) { return paramTable.get(key); }

    /** Runs the forward pass into the buffers (outside DL4J's workspaces: they live until the backward pass). */
    private void forward() {
        INDArray z = inputs[0], a = inputs[1];
        DataType dt = p("Wh0").dataType();
        allocate(z.size(0), dt, (int) a.size(1));
        actions.assign(a.castTo(dt).permute(2, 1, 0));
        state[0].hs.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all())
                .assign(z.castTo(dt).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).transpose());
        for (int l = 0; l < layers; l++) {
            Layer s = state[l];
            if (l > 0) s.hPrev[0].assign(state[0].hPrev[0]);      // every layer starts from z[:, :, 0]
            INDArray wi = p("Wi" + l), wh = p("Wh" + l);
            INDArray bi = p("bi" + l).reshape(3L * hidden, 1), bh = p("bh" + l).reshape(3L * hidden, 1);
            for (int t = 0; t < steps; t++) {
                Nd4j.gemm(wi, s.x[t], s.gi[t], true, false, 1.0, 0.0);          // giᵀ = Wiᵀ·xᵀ
                s.gi[t].addiColumnVector(bi);
                Nd4j.gemm(wh, s.hPrev[t], s.ghs[t], true, false, 1.0, 0.0);     // ghᵀ = Whᵀ·hᵀ
                s.ghs[t].addiColumnVector(bh);
                Transforms.sigmoid(s.ru[t].addi(s.ghRu[t]), false);              // r, u (in place of gi_r, gi_u)
                s.r[t].muli(s.ghN[t], t1);
                Transforms.tanh(s.n[t].addi(t1), false);                          // n = tanh(gi_n + r ⊙ gh_n)
                s.hPrev[t].subi(s.n[t], s.hNext[t]).muli(s.u[t]).addi(s.n[t]);   // h' = n + u ⊙ (h − n)
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
        for (int t = steps - 1; t >= 0; t--) {
            INDArray dh = s.epsIn[t];                                             // dL/dh_{t+1}, in place
            if (t < steps - 1) dh.addi(carry);
            INDArray r = s.r[t], u = s.u[t], n = s.n[t];
            u.rsubi(1.0, t1);
            dh.muli(t1, s.dgiN[t]);                                               // dn = dh ⊙ (1 − u)
            n.muli(n, t2).rsubi(1.0);
            s.dgiN[t].muli(t2);                                                   // da_n = dn ⊙ (1 − n²)
            s.hPrev[t].subi(n, t1).muli(dh);                                      // du = dh ⊙ (h − n)
            u.rsubi(1.0, t2).muli(u);
            t1.muli(t2, s.dgiU[t]);                                               // da_u = du ⊙ u(1 − u)
            s.dgiN[t].muli(s.ghN[t], t1);                                         // dr = da_n ⊙ gh_n
            r.rsubi(1.0, t2).muli(r);
            t1.muli(t2, s.dgiR[t]);                                               // da_r = dr ⊙ r(1 − r)
            s.dghRu[t].assign(s.dgiRu[t]);
            s.dgiN[t].muli(r, s.dghN[t]);                                         // d gh_n = da_n ⊙ r
            dh.muli(u, carry);
            Nd4j.gemm(wh, s.dghS[t], carry, false, false, 1.0, 1.0);              // dL/dh_t = dh ⊙ u + Wh·d gh
            Nd4j.gemm(wi, s.dgiS[t], s.dx[t], false, false, 1.0, 0.0);            // dL/dx_t = Wi·d gi
        }
        dh0.addi(carry);
        INDArray dwi = gradTable.get("Wi" + l), dwh = gradTable.get("Wh" + l);
        for (int t = 0; t < steps; t++) {
            Nd4j.gemm(s.x[t], s.dgiS[t], dwi, false, true, 1.0, t == 0 ? 0.0 : 1.0);
            Nd4j.gemm(s.hPrev[t], s.dghS[t], dwh, false, true, 1.0, t == 0 ? 0.0 : 1.0);
        }
        gradTable.get("bi" + l).assign(s.dgi.sum(0, 2).reshape(1, 3L * hidden));
        gradTable.get("bh" + l).assign(s.dgh.sum(0, 2).reshape(1, 3L * hidden));
    }
}
