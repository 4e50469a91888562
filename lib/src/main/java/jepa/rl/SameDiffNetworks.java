package jepa.rl;

import jepa.nn.SameDiffParams;
import jepa.nn.VisionTransformer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link AgentNetworks} as SameDiff graphs: the online graph holds the x-encoder, the predictor and the whole loss
 * (differentiated by SameDiff); the y-encoder is a separate graph whose output enters the loss as a placeholder, so
 * no gradient can reach it. Also the source of every network's initial parameters (both runtimes start from them).
 */
final class SameDiffNetworks implements AgentNetworks {
    private final Variant variant;
    private final VisionTransformer vit;
    private final DataType dt;
    private final long[] inputShape;
    final SameDiff online, target;
    final SameDiffParams onlineParams, targetParams;
    private INDArray x;

    SameDiffNetworks(Variant variant, VisionTransformer vit, JepaPredictor predictor, int channels, int height, int width, long seed, DataType dt) {
        this.variant = variant;
        this.vit = vit;
        this.dt = dt;
        this.inputShape = new long[]{VisionTransformer.FRAMES * channels, height, width};
        int d = vit.config().embedding();
        online = SameDiff.create();
        SDVariable xIn = online.placeHolder("x", dt, -1, inputShape[0], height, width);
        SDVariable sx = vit.build(online, xIn, "", seed, dt).rename("s_x");
        SDVariable g = online.placeHolder("g", dt, -1, d);
        SDVariable loss = sx.mul(g).sum();
        List<String> names = new ArrayList<>(vit.variables(""));
        if (variant.jepa()) {
            SDVariable a = online.placeHolder("a", dt, -1, jepa.world.CartPole.ACTIONS), sy = online.placeHolder("s_y", dt, -1, d);
            SDVariable diff = predictor.build(online, sx, a, new SplittableRandom(seed ^ 0x5DEECE66DL), dt).sub(sy);
            loss = loss.add(diff.mul(diff).sum(1).mean().rename("jepa_loss"));
            names.addAll(JepaPredictor.NAMES);
        }
        if (variant.regularised()) {
            SDVariable v = online.variance(sx, true, 0).mean();
            loss = loss.add(online.nn().relu(v.sub(1.0), 0).sub(v));              // −min(1, v)
        }
        loss.rename("loss");
        online.setLossVariables("loss");
        onlineParams = new SameDiffParams(online, names);
        if (variant.jepa()) {
            target = SameDiff.create();
            vit.build(target, target.placeHolder("x", dt, -1, inputShape[0], height, width), "", seed, dt).rename("s");
            targetParams = new SameDiffParams(target, vit.variables(""));
        } else {
            target = null;
            targetParams = null;
        }
    }

    /** The initial θ (ViT, then predictor). */
    double[] initialOnline() { return onlineParams.read(); }

    private INDArray input(float[] v, int n) {
        INDArray a = Nd4j.create(v, new long[]{n, inputShape[0], inputShape[1], inputShape[2]}, 'c');
        return dt == DataType.FLOAT ? a : a.castTo(dt);
    }

    @Override
    public double[] encode(float[] in, int n) {
        return online.output(Map.of("x", input(in, n)), "s_x").get("s_x").dup('c').data().asDouble();
    }

    @Override
    public double[] features(float[] in, int n) {
        x = input(in, n);
        return online.output(Map.of("x", x), "s_x").get("s_x").dup('c').data().asDouble();
    }

    /** The online graph's inputs for the kept batch. */
    Map<String, INDArray> placeholders(double[] g, int[] actions, float[] y) {
        int n = (int) x.size(0), d = vit.config().embedding();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put("x", x);
        ph.put("g", Nd4j.create(g, new long[]{n, d}, DataType.DOUBLE).castTo(dt));
        if (variant.jepa()) {
            int k = jepa.world.CartPole.ACTIONS;
            double[] oneHot = new double[n * k];
            for (int r = 0; r < n; r++) oneHot[r * k + actions[r]] = 1;
            ph.put("a", Nd4j.create(oneHot, new long[]{n, k}, DataType.DOUBLE).castTo(dt));
            ph.put("s_y", target.output(Map.of("x", input(y, n)), "s").get("s"));       // a constant of the loss
        }
        return ph;
    }

    @Override
    public Gradient gradient(double[] g, int[] actions, float[] y) {
        List<String> outputs = variant.jepa() ? List.of("jepa_loss") : List.of();
        OutAndGrad og = online.calculateGradientsAndOutputs(placeholders(g, actions, y), outputs, onlineParams.names());
        return new Gradient(onlineParams.flatten(og.getGradients()), variant.jepa() ? og.getOutputs().get("jepa_loss").getDouble(0) : Double.NaN);
    }

    @Override public void setOnline(double[] theta) { onlineParams.write(theta); }

    @Override public void setTarget(double[] thetaBar) { targetParams.write(thetaBar); }
}
