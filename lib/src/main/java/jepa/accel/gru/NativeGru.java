package jepa.accel.gru;

import jepa.accel.Backend;
import jepa.accel.NativeLibrary;
import jepa.accel.ParallelLoops;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;

/**
 * A float GRU layer's forward and backward pass over all steps ({@link GruRuntime}'s buffers and maths) as native
 * kernels (src/main/c/jepa_gru.c, in {@link NativeLibrary}): the step gemms with the weights packed once per pass
 * ({@link Packed}) and the gates in float with a vectorised e^x.
 * <p>
 * Why: a step is ~1 ms of arithmetic at B = 64 and D = 512; handing each of its gemms and gate passes to pooled
 * threads (ParallelLoops, OpenBLAS) cost 0.1–0.3 ms per hand-off on a 2-vCPU VM, the Java gates ran in double with
 * Math.exp through staging copies, and OpenBLAS re-packed Wh for every step's 64 columns. Here each thread runs the
 * whole pass over its own hidden units and meets the others at a barrier once per step ({@link ParallelLoops#together}).
 * Every output is computed by one thread in one fixed order: results do not depend on the thread count. They differ
 * from the Java path by float rounding (NativeGruTest).
 * <p>
 * The buffers are the runtime's dense c-order float arrays, addressed with element offsets (checked to lie inside).
 */
final class NativeGru {
    private static final int MR = 6;    // rows per packed panel: the C kernels' register tile

    private NativeGru() {}

    /** Whether a GRU of this type runs natively: the native backend, float. */
    static boolean applies(DataType type) { return type == DataType.FLOAT && Backend.current() == Backend.NATIVE; }

    private static int panels(int m) { return (m + MR - 1) / MR; }

    /** Weight blocks A [m, k] packed for the kernels: per block, panels of 6 rows (zero past m). Native memory. */
    static final class Packed implements AutoCloseable {
        final int blocks, m, k;
        final FloatPointer panels;

        Packed(int blocks, int m, int k) {
            this.blocks = blocks;
            this.m = m;
            this.k = k;
            panels = new FloatPointer((long) blocks * panels(m) * MR * k);
        }

        /** The blocks of wᵀ: w [k, blocks·m] (any layout), block c = rows [c·m, (c+1)·m) of wᵀ. */
        void packTransposed(INDArray w) { pack(w, true, k, (long) blocks * m); }

        /** A = w [m, k] (any layout), one block. */
        void pack(INDArray w) {
            if (blocks != 1) throw new IllegalStateException("pack(w) fills one block, this has " + blocks);
            pack(w, false, m, k);
        }

        /** Packs straight from w's memory (any strides: DL4J's parameter views are views of the flat parameters). */
        private void pack(INDArray w, boolean transpose, long rows, long cols) {
            NativeLibrary.shape(w, "weights", rows, cols);
            long s0 = w.stride(0), s1 = w.stride(1), start = w.offset() - w.data().offset();   // the buffer may itself be a view
            if (w.dataType() != DataType.FLOAT || start < 0 || s0 < 0 || s1 < 0 || start + (rows - 1) * s0 + (cols - 1) * s1 >= w.data().length())
                throw new IllegalArgumentException("weights must be float with non-negative strides inside their buffer: " + w.shapeInfoToString());
            long src = new FloatPointer(w.data().addressPointer()).address() + 4 * start;    // as Sgemm hands views to BLAS
            ParallelLoops.forRange(panels(m), (p0, p1) -> NativeGru.pack(src, s0, s1, transpose, blocks, m, k, panels.address(), p0, p1));
            Reference.reachabilityFence(w);
        }

        @Override
        public void close() { panels.close(); }
    }

    /**
     * Forward pass of one layer (h hidden units, batch b): x_t [in, b] = in·b floats of x from xOff + t·in·b; g, gh
     * [steps, 3h, b] ← the gates r, u, n and (gh's n block) Whᵀh + bh_n; hs [steps + 1, h, b] ← the states (step 0
     * set by the caller). wiT, whT: Wiᵀ and Whᵀ in three blocks (r, u, n) of h rows; bi, bh: the biases (3h floats).
     */
    static void forward(Packed wiT, Packed whT, INDArray x, long xOff, INDArray g, INDArray gh, INDArray hs,
                        FloatPointer bi, FloatPointer bh, int h, int b, int steps) {
        check(wiT, 3, h, -1, "Wiᵀ");
        check(whT, 3, h, h, "Whᵀ");
        int in = wiT.k;
        long hb = (long) h * b;
        long px = at(x, xOff, (long) steps * in * b, "inputs"), pg = at(g, 0, 3 * hb * steps, "gates"),
                pgh = at(gh, 0, 3 * hb * steps, "recurrent gates"), ph = at(hs, 0, hb * (steps + 1), "states");
        run(panels(h), (p0, p1, bar, k, part) -> forwardPass(wiT.panels.address(), whT.panels.address(), px, (long) in * b, in, pg, pgh, ph,
                bi.address(), bh.address(), h, b, steps, p0, p1, bar, k));
    }

    /**
     * Backward pass of one layer: dL/dh'_t = eps_t (h·b floats of eps from epsOff + t·h·b) + carry → dgi, dgh
     * [steps, 3h, b], the bias gradients added (in double) to dbi, dbh (3h each), dx_t = Wi·dgi_t ([in, b] at t·in·b of
     * dx), carry ← dL/dh_0. wh: Wh [h, 3h], wi: Wi [in, 3h], one block each.
     */
    static void backward(Packed wh, Packed wi, INDArray eps, long epsOff, INDArray carry, INDArray g, INDArray gh, INDArray hs,
                         INDArray dgi, INDArray dgh, INDArray dx, DoublePointer dbi, DoublePointer dbh, int h, int b, int steps) {
        check(wh, 1, h, 3 * h, "Wh");
        check(wi, 1, -1, 3 * h, "Wi");
        int in = wi.m;
        long hb = (long) h * b;
        long pe = at(eps, epsOff, hb * steps, "state gradients"), pc = at(carry, 0, hb, "carry"), pg = at(g, 0, 3 * hb * steps, "gates"),
                pgh = at(gh, 0, 3 * hb * steps, "recurrent gates"), ph = at(hs, 0, hb * steps, "states"),
                pdi = at(dgi, 0, 3 * hb * steps, "input deltas"), pdh = at(dgh, 0, 3 * hb * steps, "recurrent deltas"),
                pdx = at(dx, 0, (long) in * b * steps, "input gradients");
        if (dbi.limit() < 3L * h || dbh.limit() < 3L * h) throw new IllegalArgumentException("bias gradients need " + 3 * h + " entries");
        run(panels(h), (p0, p1, bar, k, part) -> backwardPass(wh.panels.address(), wi.panels.address(), in, pe, pc, pg, pgh, ph, pdi, pdh,
                pdx, dbi.address(), dbh.address(), h, b, steps, p0, p1, part, bar, k));
    }

    /** A thread's share of a pass: panels [p0, p1), its index, the barrier's address and the number of threads. */
    @FunctionalInterface
    private interface Part { void run(int p0, int p1, long barrier, int threads, int part); }

    /** Runs a pass on min(threads, panels) threads at once, sharing a fresh barrier. */
    private static void run(int panels, Part pass) {
        int k = Math.max(1, Math.min(ParallelLoops.threads(), panels));
        try (IntPointer bar = new IntPointer(2L)) {
            bar.zero();
            long pb = bar.address();
            ParallelLoops.together(k, i -> pass.run(panels * i / k, panels * (i + 1) / k, pb, k, i));
        }
    }

    private static void check(Packed p, int blocks, int m, int k, String what) {
        if (p.blocks != blocks || (m >= 0 && p.m != m) || (k >= 0 && p.k != k))
            throw new IllegalArgumentException(what + " packed as " + p.blocks + " x [" + p.m + ", " + p.k + "], expected "
                    + blocks + " x [" + (m < 0 ? "any" : m) + ", " + (k < 0 ? "any" : k) + "]");
    }

    /** The address of n floats of a dense float buffer array from element off, checked to lie inside it. */
    private static long at(INDArray a, long off, long n, String what) {
        long base = NativeLibrary.address(a, what);
        if (off < 0 || off + n > a.length())
            throw new IllegalArgumentException(what + ": elements [" + off + ", " + (off + n) + ") outside an array of " + a.length());
        return base + 4 * off;
    }

    private static native void pack(long src, long s0, long s1, boolean transpose, int blocks, int m, int k, long panels, int p0, int p1);

    private static native void forwardPass(long wiT, long whT, long x, long xStride, int in, long g, long gh, long hs, long bi, long bh,
                                           int h, int b, int steps, int p0, int p1, long barrier, int threads);

    private static native void backwardPass(long wh, long wi, int in, long eps, long carry, long g, long gh, long hs, long dgi, long dgh,
                                            long dx, long dbi, long dbh, int h, int b, int steps, int p0, int p1, int part,
                                            long barrier, int threads);
}
