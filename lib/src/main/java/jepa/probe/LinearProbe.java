package jepa.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The reference prober (reference §2.6): ONE linear map without bias, W ∈ R^{D × 2·dots}, shared over all steps, predicting
 * normalised dot locations. Fitted either exactly (least squares: the optimum of the probe's squared-error loss,
 * what spark-mllib's LinearRegression computes on the cluster) or with the reference's Adam loop.
 */
public final class LinearProbe implements Predictor {
    /** Solver names as written to the metrics table. */
    public static final String EXACT = "exact", ADAM = "adam";

    private final double[][] w; // [D][K]
    private transient INDArray wFloat;  // made where the probe is used (probes travel to Spark executors)
    private final double[] epochLoss;

    private LinearProbe(double[][] w, double[] epochLoss) {
        this.w = w;
        this.epochLoss = epochLoss;
    }

    /** A probe with given weights [D][K] (e.g. read back from spark-mllib's coefficients). */
    public static LinearProbe of(double[][] weights) {
        if (weights.length == 0 || weights[0].length == 0) throw new IllegalArgumentException("weights must be [D][K] with D, K >= 1");
        double[][] c = new double[weights.length][];
        for (int i = 0; i < c.length; i++) {
            if (weights[i].length != weights[0].length) throw new IllegalArgumentException("ragged weights at row " + i);
            c[i] = weights[i].clone();
        }
        return new LinearProbe(c, new double[0]);
    }

    /**
     * Exact least squares without intercept, via the normal equations in double: W = (XᵀX/n + ridge·I)⁻¹ XᵀY/n.
     *
     * @param x     [n, D] representations
     * @param y     [n, K] normalised targets
     * @param ridge per-row ridge (spark-mllib's regParam); 0 = plain least squares, a tiny value only for safety
     */
    public static LinearProbe fitLeastSquares(INDArray x, INDArray y, double ridge) {
        return new LinearProbe(new NormalEquations((int) x.columns(), (int) y.columns()).add(x, y).solve(ridge), new double[0]);
    }

    /** Least squares on all (sequence, step) rows of {@code data}, streamed in blocks so memory stays small. */
    public static LinearProbe fitLeastSquares(ProbeData data, double ridge) {
        NormalEquations ne = new NormalEquations(data.dim(), 2 * data.dots());
        int block = Math.max(1, 16384 / data.steps()); // ≤ 16k rows: a 512-wide double block stays near 64 MB
        for (int from = 0; from < data.sequences(); from += block) {
            ProbeData.Flat f = data.slice(from, Math.min(data.sequences(), from + block)).flatten();
            ne.add(f.x(), f.y());
        }
        return new LinearProbe(ne.solve(ridge), new double[0]);
    }

    /**
     * The reference probe training (reference §5.2): W initialised U(±1/√D) (PyTorch's Linear default), Adam on the loss
     * mean_{t,j} mean_batch ‖ŷ_{t,j} − y_{t,j}‖² (squared Euclidean error over x,y), minibatches of whole sequences,
     * order reshuffled each epoch from the seed. The last, smaller batch of an epoch is kept (DataLoader default).
     * float32 as in the reference.
     */
    public static LinearProbe fitAdam(ProbeData train, AdamProbeParams p) {
        int n = train.sequences(), steps = train.steps(), d = train.dim(), dots = train.dots(), k = 2 * dots;
        ProbeData.Flat flat = train.flatten();
        INDArray x = flat.x().castTo(DataType.FLOAT);
        float[] y = rowMajor(flat.y());
        SplittableRandom rng = new SplittableRandom(p.seed());
        double bound = 1 / Math.sqrt(d);
        // W, Adam's moments and the update live in Java float arrays: D·K is small, and each ND4J call costs far
        // more than this arithmetic; only the two matrix products per step go to BLAS
        float[] w = new float[d * k], m = new float[d * k], v = new float[d * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        double[] epochLoss = new double[p.epochs()];
        float b1 = (float) p.beta1(), b2 = (float) p.beta2();
        long t = 0;
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
            shuffle(order, rng);
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < n; from += p.batchSize()) {
                int bs = Math.min(p.batchSize(), n - from), rowsN = bs * steps;
                int[] rows = new int[rowsN];
                for (int b = 0; b < bs; b++) for (int s = 0; s < steps; s++) rows[b * steps + s] = order[from + b] * steps + s;
                // pullRows, not getRows: getRows(int...) costs ~100x more (≈18 ms for 160 rows in M2.1)
                INDArray xb = Nd4j.pullRows(x, 1, rows);
                float[] pred = rowMajor(xb.mmul(Nd4j.create(w, new long[]{d, k}, 'c')));
                // loss = mean over batch, steps and dots of the x+y squared error; dL/dpred = 2·diff/norm
                float norm = (float) bs * steps * dots;
                double sq = 0;
                float[] diff = new float[rowsN * k];
                for (int r = 0; r < rowsN; r++)
                    for (int c = 0; c < k; c++) {
                        float e = pred[r * k + c] - y[rows[r] * k + c];
                        sq += (double) e * e;
                        diff[r * k + c] = 2 * e / norm;
                    }
                lossSum += sq / norm;
                batches++;
                float[] g = rowMajor(xb.transpose().mmul(Nd4j.create(diff, new long[]{rowsN, k}, 'c')));
                t++;
                // PyTorch Adam: w -= lr/bc1 · m / (√v/√bc2 + eps)
                float stepSize = (float) (p.lr() / (1 - Math.pow(p.beta1(), t)));
                float sqrtBc2 = (float) Math.sqrt(1 - Math.pow(p.beta2(), t)), eps = (float) p.eps();
                for (int i = 0; i < w.length; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    w[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) / sqrtBc2 + eps);
                }
            }
            epochLoss[epoch] = lossSum / batches;
        }
        double[][] wd = new double[d][k];
        for (int i = 0; i < d; i++) for (int c = 0; c < k; c++) wd[i][c] = w[i * k + c];
        return new LinearProbe(wd, epochLoss);
    }

    /** x [m, D] → [m, 2·dots], computed in x's float type (float32 for real representations). */
    @Override
    public INDArray predict(INDArray x) {
        if (x.rank() != 2 || x.columns() != w.length)
            throw new IllegalArgumentException("expected x [m, " + w.length + "], got " + java.util.Arrays.toString(x.shape()));
        if (x.dataType() == DataType.DOUBLE) return x.mmul(Nd4j.create(w));
        if (wFloat == null) wFloat = Nd4j.create(w).castTo(DataType.FLOAT);
        return x.castTo(DataType.FLOAT).mmul(wFloat);
    }

    @Override
    public int outputs() { return w[0].length; }

    /** A copy of W [D][K]; column dot·2 + c predicts coordinate c of that dot. */
    public double[][] weights() {
        double[][] c = new double[w.length][];
        for (int i = 0; i < c.length; i++) c[i] = w[i].clone();
        return c;
    }

    /** Mean training loss per epoch (Adam only; empty for least squares), in normalised units². */
    public double[] epochLoss() { return epochLoss.clone(); }

    /** The elements in row-major order as float (mmul results come back in 'f' order). */
    private static float[] rowMajor(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i]; a[i] = a[j]; a[j] = tmp;
        }
    }
}
