package jepa.optim;

/**
 * An exponential moving average of parameters, the y-encoder's update of seed 003 (and BYOL's target network):
 * θ̄ ← rate·θ̄ + (1 − rate)·θ, elementwise, in double.
 */
public final class Ema {
    private Ema() {}

    public static void update(double[] target, double[] online, double rate) {
        if (target.length != online.length) throw new IllegalArgumentException("target has " + target.length + " values, online " + online.length);
        for (int i = 0; i < target.length; i++) target[i] = rate * target[i] + (1 - rate) * online[i];
    }
}
