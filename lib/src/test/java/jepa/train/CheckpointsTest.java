package jepa.train;

import jepa.data.Batch;
import jepa.method.JepaNetwork;
import jepa.method.JepaParams;
import jepa.method.MethodType;
import jepa.method.Methods;
import jepa.method.NetworkMethod;
import jepa.config.JepaConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model zips written before the packages were reorganised (checkpoints/v0: every method with a network, width 1,
 * 8-d, two training steps, saved with their updater state, and the encodings and rollouts they gave on a fixed input)
 * load through {@link Checkpoints}, give the same encodings, and resume training.
 */
class CheckpointsTest {

    @ParameterizedTest
    @CsvSource({"vicreg,1", "vicreg,3", "simclr,1", "idm,1", "supervised,1", "random,1", "rssm,1", "rssm,3"})
    void aCheckpointOfThePreviousLayoutLoadsAndEncodesAsBefore(String method, int dots) throws Exception {
        byte[] zip;
        try (InputStream in = getClass().getResourceAsStream("/checkpoints/v0/" + method + "-" + dots + ".zip")) {
            assertNotNull(in, "fixture " + method + "-" + dots);
            zip = in.readAllBytes();
        }
        JepaParams p = new JepaParams(dots, dots > 1, 1, 8, 1, 3);
        JepaNetwork net = new JepaNetwork(Checkpoints.restore(zip, false), p);
        int c = p.channels();
        INDArray frames = Nd4j.create(DataType.FLOAT, 3, c * 784, 17), actions = Nd4j.create(DataType.FLOAT, 3, 2, 16);
        for (int i = 0; i < 3; i++) for (int j = 0; j < c * 784; j++) for (int t = 0; t < 17; t++)
            frames.putScalar(new int[]{i, j, t}, (float) Math.sin(0.37 * i + 0.011 * j + 0.23 * t));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) for (int t = 0; t < 16; t++)
            actions.putScalar(new int[]{i, j, t}, (float) Math.cos(0.5 * i + 1.3 * j + 0.7 * t));
        float[] enc = net.encode(frames).dup('c').data().asFloat(), roll = net.rollout(frames, actions).dup('c').data().asFloat();
        List<Float> wantEnc = expected(method, dots, "encode"), wantRoll = expected(method, dots, "rollout");
        assertEquals(wantEnc.size(), enc.length);
        assertEquals(wantRoll.size(), roll.length);
        for (int i = 0; i < enc.length; i++) assertEquals(wantEnc.get(i), enc[i], 1e-5, "encoding " + i);
        for (int i = 0; i < roll.length; i++) assertEquals(wantRoll.get(i), roll[i], 1e-5, "rollout " + i);

        // with its updater state, it trains on (the optimiser's classes resolve too)
        ComputationGraph resumed = Checkpoints.restore(zip, true);
        MethodType type = Methods.type(method);
        if (!type.name().equals("random")) {
            // the fixtures' 3-dot networks sum the dots' channels (the default when they were written)
            JepaConfig cfg = JepaConfig.load(null, List.of("method.name=" + method, "world.kind=" + (dots == 1 ? "single" : "three-dots"),
                    "method.sum-channels=" + (dots > 1)));
            NetworkMethod m = Methods.network(cfg.method());
            m.configure(resumed);
            INDArray locs = Nd4j.rand(DataType.FLOAT, 4, 2 * dots, 17);
            resumed.fit(m.dataSet(new Batch(Nd4j.rand(DataType.FLOAT, 4, c * 784, 17), Nd4j.rand(DataType.FLOAT, 4, 2, 16), locs)));
            assertTrue(Double.isFinite(resumed.score()), method + " resumes training");
        }
    }

    private static List<Float> expected(String method, int dots, String kind) throws Exception {
        List<Float> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                CheckpointsTest.class.getResourceAsStream("/checkpoints/v0/expected.csv"), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                String[] f = l.split(",");
                if (f[0].equals(method) && Integer.parseInt(f[1]) == dots && f[2].equals(kind)) out.add(Float.parseFloat(f[4]));
            }
        }
        return out;
    }
}
