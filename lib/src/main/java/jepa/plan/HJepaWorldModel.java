package jepa.plan;

import jepa.method.HJepa;
import jepa.method.JepaNetwork;
import jepa.world.Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained H-JEPA as a {@link TwoLevelModel}: level 1 is the run's JEPA ({@link JepaWorldModel}: encoder, GRU over
 * the actions, the flat objective), level 2 its window encoder (Linear → ReLU → Linear on a pooled level-1 state) and
 * its GRU over the windows' summed (normalised) actions, all in double on the trained weights.
 */
public final class HJepaWorldModel implements TwoLevelModel {
    private final JepaWorldModel one;
    private final int window;
    private final double[][] w1, w2;
    private final double[] b1, b2;
    private final GruModel two;

    public HJepaWorldModel(JepaNetwork net, HJepa method, Normalization norm, boolean summed) {
        this.one = new JepaWorldModel(net, norm, summed);
        this.window = method.window();
        Map<String, INDArray> fc1 = net.graph().getVertex(HJepa.ENC2 + "_fc1").paramTable(false),
                fc2 = net.graph().getVertex(HJepa.ENC2 + "_fc2").paramTable(false);
        w1 = fc1.get("W").toDoubleMatrix();
        b1 = fc1.get("b").toDoubleVector();
        w2 = fc2.get("W").toDoubleMatrix();
        b2 = fc2.get("b").toDoubleVector();
        two = new GruModel(net.graph().getVertex(HJepa.ROLLOUT2).paramTable(false));
    }

    /** The level-1 model alone (what the flat planners and the planning strip see). */
    public JepaWorldModel levelOne() { return one; }

    /** Enc2 of a level-1 state. */
    double[] lift(double[] s) {
        return Dense.apply(Dense.relu(Dense.apply(s, w1, b1)), w2, b2);
    }

    @Override
    public Levels toGoal(Episode e, int horizon, double maxStep) {
        double[][] s = one.encode(e);
        Objective flat = one.toGoal(s[0], s[1], horizon, maxStep);
        Normalization norm = one.normalization();
        return new Levels() {
            public int horizon() { return horizon; }
            public double maxStep() { return maxStep; }
            public double[] costs(double[][][] plans) { return flat.costs(plans); }
            @Override public double costAndGradient(double[][] plan, double[][] grad) { return flat.costAndGradient(plan, grad); }
            public int window() { return window; }
            public double[] start() { return s[0]; }
            public double[] goal() { return s[1]; }
            public double[] lift(double[] state) { return HJepaWorldModel.this.lift(state); }
            public double[][] levelOne(double[] state, double[][] actions) { return one.rollout(state, actions); }

            public double[][] levelTwo(double[] s2, double[][] sums) {
                double[][] x = new double[sums.length][two.inputs];
                for (int k = 0; k < sums.length; k++) for (int c = 0; c < 2; c++) x[k][c] = norm.normalizeAction(sums[k][c]);
                return two.rollout(s2, x).states();
            }
        };
    }
}
