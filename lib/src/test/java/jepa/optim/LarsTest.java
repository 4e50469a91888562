package jepa.optim;


import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** LARS = LarsRegularization + Momentum inside a real ComputationGraph.fit, against the reference rule by hand. */
class LarsTest {

    static final int BATCH = 6;
    // lr at DL4J iterations 0, 1, 2: s = 2, 3, 4 of 20 warm-up steps of peak 2 → 0.2, 0.3, 0.4
    static final ISchedule LR = new WarmupCosineSchedule(2.0, 2, 20, 10, 0.001, true);

    /** Dense(tanh, with bias) → BatchNormalization → identity/MSE output, float64. */
    static ComputationGraphConfiguration graph(Lars lars, boolean larsOnWeights, boolean miniBatch) {
        return DuplicateRegularizationFix.apply(unfixedGraph(lars, larsOnWeights, miniBatch));
    }

    static ComputationGraphConfiguration unfixedGraph(Lars lars, boolean larsOnWeights, boolean miniBatch) {
        return unfixedGraph(lars, larsOnWeights, miniBatch, DataType.DOUBLE);
    }

    static ComputationGraphConfiguration unfixedGraph(Lars lars, boolean larsOnWeights, boolean miniBatch, DataType type) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .miniBatch(miniBatch).weightInit(WeightInit.XAVIER);
        if (larsOnWeights) lars.configure(b, LR);
        else b.updater(lars.updater(LR));
        ComputationGraphConfiguration conf = b.graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).biasInit(0.1).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().nOut(5).build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(3)
                        .activation(Activation.IDENTITY).build(), "bn")
                .setOutputs("out").build();
        return conf;
    }

    static ComputationGraph net(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static DataSet batch() {
        Nd4j.getRandom().setSeed(123);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, 4).subi(0.5).muli(3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, BATCH, 3);
        return new DataSet(x, y);
    }

    static double[] flat(INDArray a) { return a.dup('c').reshape(a.length()).toDoubleVector(); }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /**
     * The reference rule by hand (double), on a second copy of the network whose gradient DL4J computes
     * (computeGradientAndScore) but whose parameters this method sets. Returns the parameters after `steps` steps.
     */
    static Map<String, double[]> handLars(ComputationGraph ref, DataSet ds, Lars lars, int steps) {
        Map<String, double[]> mu = new HashMap<>();
        for (int k = 0; k < steps; k++) {
            ref.setInputs(ds.getFeatures());
            ref.setLabels(ds.getLabels());
            ref.computeGradientAndScore();
            Map<String, INDArray> grads = ref.gradient().gradientForVariable();
            double lr = LR.valueAt(k, 0);
            for (String key : ref.paramTable().keySet()) {
                INDArray pArr = ref.getParam(key);
                double[] p = flat(pArr), g = flat(grads.get(key));
                String kind = key.substring(key.lastIndexOf('_') + 1);
                if (List.of("mean", "var", "log10stdev").contains(kind)) {
                    // BN running statistics (M2.1 keeps log10 of the std by default, not var): DL4J's NoOp updater applies their "gradient" as is, no LARS, no momentum
                    for (int i = 0; i < p.length; i++) p[i] -= g[i];
                } else {
                    if (kind.equals("W")) { // not excluded: weight decay, then trust ratio
                        for (int i = 0; i < p.length; i++) g[i] += lars.weightDecay() * p[i];
                        double pn = norm(p), gn = norm(g);
                        if (pn > 0 && gn > 0) for (int i = 0; i < g.length; i++) g[i] *= lars.eta() * pn / gn;
                    } else {
                        assertTrue(List.of("b", "gamma", "beta").contains(kind), key);
                    }
                    double[] m = mu.computeIfAbsent(key, x -> new double[p.length]);
                    for (int i = 0; i < p.length; i++) {
                        m[i] = lars.momentum() * m[i] + g[i];
                        p[i] -= lr * m[i];
                    }
                }
                // assign into the live view: setParam is a silent no-op on SameDiff layers in M2.1
                pArr.assign(Nd4j.create(p, pArr.shape(), 'c'));
            }
        }
        Map<String, double[]> out = new HashMap<>();
        ref.paramTable().forEach((k, v) -> out.put(k, flat(v)));
        return out;
    }

    static double maxDiff(Map<String, double[]> expected, ComputationGraph g) {
        double worst = 0;
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            double[] a = flat(e.getValue()), b = expected.get(e.getKey());
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    void threeFitStepsMatchTheHandComputation(Lars lars) {
        DataSet ds = batch();
        ComputationGraph fitted = net(graph(lars, true, false));
        ComputationGraph ref = net(graph(lars, true, false));
        ref.setParams(fitted.params().dup());
        double[] w0 = flat(fitted.getParam("dense_W"));

        fitted.fit(ds);
        // first step: μ = g̃ with ‖g̃‖ = η‖W‖, so ‖ΔW‖ = lr₀·η·‖W₀‖ exactly
        double[] w1 = flat(fitted.getParam("dense_W"));
        double[] dw = new double[w0.length];
        for (int i = 0; i < w0.length; i++) dw[i] = w1[i] - w0[i];
        assertEquals(0.2 * lars.eta() * norm(w0), norm(dw), 1e-12 * norm(w0));
        fitted.fit(ds);
        fitted.fit(ds);
        assertEquals(3, fitted.getConfiguration().getIterationCount());

        Map<String, double[]> expected = handLars(ref, ds, lars, 3);
        double diff = maxDiff(expected, fitted);
        System.out.printf("LARS %s: max |param diff| after 3 steps = %.3e%n", lars, diff);
        assertTrue(diff < 1e-10, "max diff " + diff);

        // sensitivity: the same training without the LARS regularization ends far from the hand result
        ComputationGraph plain = net(graph(lars, false, false));
        plain.setParams(net(graph(lars, true, false)).params()); // same seed → the same start as `fitted`
        plain.fit(ds); plain.fit(ds); plain.fit(ds);
        assertTrue(maxDiff(expected, plain) > 1e-4, "plain momentum should differ from LARS");
    }

    @Test
    void referenceLarsMatchesHandComputation() { threeFitStepsMatchTheHandComputation(Lars.reference()); }

    @Test
    void strongLarsMatchesHandComputation() {
        // a large weight decay and η so that both steps 1 and 2 move the result well above the tolerance
        threeFitStepsMatchTheHandComputation(new Lars(0.05, 0.02, 0.9));
    }

    @Test
    void float32NetworkFollowsTheDoubleHandComputation() {
        // the models are float32: same rule, float rounding only
        Lars lars = new Lars(0.05, 0.02, 0.9);
        DataSet ds = batch();
        ComputationGraph f = net(DuplicateRegularizationFix.apply(unfixedGraph(lars, true, false, DataType.FLOAT)));
        ComputationGraph ref = net(graph(lars, true, false));
        ref.setParams(f.params().castTo(DataType.DOUBLE));
        DataSet fds = new DataSet(ds.getFeatures().castTo(DataType.FLOAT), ds.getLabels().castTo(DataType.FLOAT));
        for (int k = 0; k < 3; k++) f.fit(fds);
        double diff = maxDiff(handLars(ref, ds, lars, 3), f);
        System.out.printf("LARS float32 vs double hand computation: max |param diff| = %.3e%n", diff);
        assertTrue(diff < 1e-5, "max diff " + diff);
    }

    @Test
    void sameDiffLayerWeightsGetLarsAndItsBiasParamsDoNot() {
        Lars lars = new Lars(0.05, 0.02, 0.9);
        ComputationGraph[] nets = new ComputationGraph[2];
        for (int i = 0; i < 2; i++) {
            NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                    .miniBatch(false).weightInit(WeightInit.XAVIER);
            lars.configure(b, LR);
            nets[i] = net(DuplicateRegularizationFix.apply(b.graphBuilder().addInputs("in")
                    .addLayer("sd", new TinySameDiffDense(4, 5), "in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(3)
                            .activation(Activation.IDENTITY).build(), "sd")
                    .setOutputs("out").build()));
        }
        var sd = nets[0].getLayer("sd").conf().getLayer();
        assertEquals(List.of(new LarsRegularization(0.05, 0.02)), sd.getRegularizationByParam("W")); // not duplicated
        assertTrue(sd.getRegularizationByParam("b").isEmpty());
        assertEquals(2, nets[0].getLayer("sd").getParam("b").rank()); // a [1,5] bias: excluded by role, not by rank

        DataSet ds = batch();
        nets[1].setParams(nets[0].params().dup());
        INDArray w0 = nets[0].getParam("sd_W").dup(), b0 = nets[0].getParam("sd_b").dup();
        for (int k = 0; k < 3; k++) nets[0].fit(ds);
        assertTrue(nets[0].getParam("sd_W").distance2(w0) > 1e-4 && nets[0].getParam("sd_b").distance2(b0) > 1e-4);
        double diff = maxDiff(handLars(nets[1], ds, lars, 3), nets[0]);
        System.out.printf("LARS with a SameDiff layer: max |param diff| after 3 steps = %.3e%n", diff);
        assertTrue(diff < 1e-10, "max diff " + diff);
    }

    @Test
    void dl4jPutsAGlobalRegularizationTwiceOnGraphLayersUnlessFixed() {
        var unfixed = unfixedGraph(Lars.reference(), true, false);
        assertEquals(2, ((LayerVertex) unfixed.getVertices().get("dense")).getLayerConf().getLayer()
                .getRegularizationByParam("W").size());
        var fixed = DuplicateRegularizationFix.apply(unfixed);
        assertEquals(List.of(LarsRegularization.reference()),
                ((LayerVertex) fixed.getVertices().get("dense")).getLayerConf().getLayer().getRegularizationByParam("W"));
    }

    @Test
    void dl4jRoutesWeightsToLarsAndExcludesBiasesAndBatchNorm() {
        ComputationGraph g = net(graph(Lars.reference(), true, false));
        var dense = g.getLayer("dense").conf().getLayer();
        var bn = g.getLayer("bn").conf().getLayer();
        var out = g.getLayer("out").conf().getLayer();
        assertEquals(List.of(LarsRegularization.reference()), dense.getRegularizationByParam("W"));
        assertEquals(List.of(LarsRegularization.reference()), out.getRegularizationByParam("W"));
        assertTrue(dense.getRegularizationByParam("b").isEmpty());
        assertTrue(out.getRegularizationByParam("b").isEmpty());
        for (String p : List.of("gamma", "beta", "mean", "var", "log10stdev")) {
            List<Regularization> r = bn.getRegularizationByParam(p);
            assertTrue(r == null || r.isEmpty(), p);
        }
        assertInstanceOf(Momentum.class, bn.getUpdaterByParam("gamma"));
        assertInstanceOf(NoOp.class, bn.getUpdaterByParam("mean"));
        assertInstanceOf(NoOp.class, bn.getUpdaterByParam("log10stdev"));
        assertEquals(List.of("gamma", "beta", "mean", "log10stdev"), List.copyOf(g.getLayer("bn").paramTable().keySet()));
    }

    @Test
    void miniBatchTrueDividesTheGradientByTheBatchSizeBeforeTheUpdater() {
        DataSet ds = batch();
        ComputationGraph divided = net(graph(Lars.reference(), true, true));
        ComputationGraph raw = net(graph(Lars.reference(), true, false));
        raw.setParams(divided.params().dup());
        double[] b0 = flat(raw.getParam("out_b"));
        divided.fit(ds);
        raw.fit(ds);
        double[] bd = flat(divided.getParam("out_b")), br = flat(raw.getParam("out_b"));
        // excluded bias, first step: Δb = lr·g, with g divided by the batch size when miniBatch(true)
        for (int i = 0; i < b0.length; i++) {
            assertTrue(Math.abs(br[i] - b0[i]) > 1e-6);
            assertEquals((br[i] - b0[i]) / BATCH, bd[i] - b0[i], 1e-12);
        }
    }
}
