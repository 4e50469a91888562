package jepa.plan;

import jepa.config.JepaConfig;
import jepa.method.HJepa;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.Methods;
import jepa.world.MovingDotWorld;
import jepa.world.Normalization;
import jepa.world.Split;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The H-JEPA as a two-level model computes what its graph computes, at both levels. */
class HierarchicalJepaModelTest {
    @Test
    void bothLevelsMatchTheNetworkOnAHeldStartFrame() {
        JepaConfig cfg = JepaConfig.load(null, List.of("method.name=hjepa", "method.width=1", "method.embedding=8",
                "method.hjepa.level2-dim=6"));
        HJepa m = (HJepa) Methods.network(cfg.method());
        JepaNetwork net = m.build(JepaParams.of(cfg.method(), cfg.world(), 1), 1, cfg.train(), 2);
        Normalization norm = new Normalization(new float[]{0.05f}, new float[]{0.1f}, 2.6, 21.8, Normalization.actionScale(4));
        MovingDotWorld world = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TEST);
        Episode e = GoalReaching.episodes(world, cfg.world(), 1, GoalReaching.OPEN, 1).get(0);
        HJepaWorldModel model = new HJepaWorldModel(net, m, norm, false);
        TwoLevelModel.Levels l = model.toGoal(e, 16, 4);
        assertEquals(4, l.window());

        // the start frame held for all 17 frames: every level-1 encoding is s_start, window 0's pooled mean too
        float[] start = java.util.Arrays.copyOf(norm.normalizeFrames(e.frames(), 784), 784);
        INDArray frames = Nd4j.create(DataType.FLOAT, 1, 784, 17);
        for (int t = 0; t < 17; t++) for (int k = 0; k < 784; k++) frames.putScalar(new long[]{0, k, t}, start[k]);
        SplittableRandom r = new SplittableRandom(5);
        double[][] actions = new double[16][2];
        INDArray a = Nd4j.create(DataType.FLOAT, 1, 2, 16);
        for (int t = 0; t < 16; t++)
            for (int c = 0; c < 2; c++) {
                actions[t][c] = 4 * (2 * r.nextDouble() - 1);
                a.putScalar(new long[]{0, c, t}, norm.normalizeAction(actions[t][c]));
            }
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[]{frames, a}, false);
        INDArray enc2 = acts.get(HJepa.ENC2), rollout2 = acts.get(HJepa.ROLLOUT2), rollout = acts.get(JepaNetwork.ROLLOUT);

        double[] lifted = l.lift(l.start());
        for (int j = 0; j < 6; j++) assertEquals(enc2.getDouble(0, j, 0), lifted[j], 1e-4, "Enc2(s_start), unit " + j);
        double[][] sums = new double[3][2];
        for (int k = 0; k < 3; k++) for (int t = 4 * k; t < 4 * k + 4; t++) for (int c = 0; c < 2; c++) sums[k][c] += actions[t][c];
        double[][] two = l.levelTwo(lifted, sums);
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 6; j++) assertEquals(rollout2.getDouble(0, j, k + 1), two[k][j], 1e-4, "level 2 after window " + k);
        double[][] one = l.levelOne(l.start(), actions);
        for (int t = 0; t < 16; t++)
            for (int j = 0; j < 8; j++) assertEquals(rollout.getDouble(0, j, t + 1), one[t][j], 1e-4, "level 1 after action " + t);

        // the flat objective is the level-1 JEPA model's
        Objective flat = new JepaWorldModel(net, norm, false).toGoal(e, 16, 4);
        assertArrayEquals(flat.costs(new double[][][]{actions}), l.costs(new double[][][]{actions}), 1e-12);
    }
}
