package jepa.rl;

/**
 * A fully connected network with tanh hidden layers and a linear output, in double, on a slice of a flat parameter
 * array (the heads' optimiser sees one vector). Layer l: W_l [in, out] row-major, then b_l [out]. The backward pass
 * is written out (and checked against finite differences), so it can also return ∂L/∂input for an encoder below.
 */
public final class Mlp {

    /** The activations of one forward pass over n rows: acts[0] the input, acts[l] layer l's output. */
    public record Pass(int n, double[][] acts) {
        public double[] output() { return acts[acts.length - 1]; }
    }

    private final int[] dims;
    private final int offset, size;

    /** dims: input, hidden…, output widths; offset: where this network's parameters start. */
    public Mlp(int[] dims, int offset) {
        if (dims.length < 2) throw new IllegalArgumentException("an MLP needs an input and an output width");
        this.dims = dims.clone();
        this.offset = offset;
        int s = 0;
        for (int l = 0; l + 1 < dims.length; l++) s += dims[l] * dims[l + 1] + dims[l + 1];
        this.size = s;
    }

    public int size() { return size; }
    public int offset() { return offset; }
    public int layers() { return dims.length - 1; }
    public int in(int layer) { return dims[layer]; }
    public int out(int layer) { return dims[layer + 1]; }

    /** Offset of layer l's weight in the flat parameters (its bias follows it). */
    public int weightOffset(int layer) {
        int o = offset;
        for (int l = 0; l < layer; l++) o += dims[l] * dims[l + 1] + dims[l + 1];
        return o;
    }

    public Pass forward(double[] params, double[] x, int n) {
        double[][] acts = new double[dims.length][];
        acts[0] = x;
        for (int l = 0; l < layers(); l++) {
            int in = dims[l], out = dims[l + 1], w = weightOffset(l), b = w + in * out;
            double[] a = acts[l], z = new double[n * out];
            for (int r = 0; r < n; r++) {
                int zr = r * out, ar = r * in;
                System.arraycopy(params, b, z, zr, out);
                for (int i = 0; i < in; i++) {
                    double ai = a[ar + i];
                    int wi = w + i * out;
                    for (int j = 0; j < out; j++) z[zr + j] += ai * params[wi + j];
                }
            }
            if (l + 1 < layers()) for (int k = 0; k < z.length; k++) z[k] = Math.tanh(z[k]);
            acts[l + 1] = z;
        }
        return new Pass(n, acts);
    }

    /**
     * Adds ∂L/∂θ to grads (same layout as params) for ∂L/∂output gOut [n, out]; returns ∂L/∂input [n, in] when
     * inputGradient, else null.
     */
    public double[] backward(double[] params, Pass pass, double[] gOut, double[] grads, boolean inputGradient) {
        int n = pass.n();
        double[] g = gOut;                                             // ∂L/∂z of the current layer
        for (int l = layers() - 1; l >= 0; l--) {
            int in = dims[l], out = dims[l + 1], w = weightOffset(l), b = w + in * out;
            double[] a = pass.acts()[l];
            for (int r = 0; r < n; r++) {
                int gr = r * out, ar = r * in;
                for (int j = 0; j < out; j++) grads[b + j] += g[gr + j];
                for (int i = 0; i < in; i++) {
                    double ai = a[ar + i];
                    int wi = w + i * out;
                    for (int j = 0; j < out; j++) grads[wi + j] += ai * g[gr + j];
                }
            }
            if (l == 0 && !inputGradient) return null;
            double[] gIn = new double[n * in];
            for (int r = 0; r < n; r++) {
                int gr = r * out, ar = r * in;
                for (int i = 0; i < in; i++) {
                    int wi = w + i * out;
                    double s = 0;
                    for (int j = 0; j < out; j++) s += g[gr + j] * params[wi + j];
                    gIn[ar + i] = s;
                }
            }
            if (l > 0) for (int k = 0; k < gIn.length; k++) gIn[k] *= 1 - a[k] * a[k];   // through tanh: a = tanh(z)
            g = gIn;
        }
        return g;
    }
}
