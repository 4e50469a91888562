package jepa.world;

import java.util.SplittableRandom;

/**
 * The classic cart-pole (Barto, Sutton &amp; Anderson 1983) as Gymnasium's CartPole-v1 defines it: gravity 9.8 m/s²,
 * cart 1.0 kg, pole 0.1 kg with half-length 0.5 m, a push of ±10 N, the explicit Euler integrator with τ = 0.02 s
 * (Gym's "euler": positions advance with the old velocities), a start state uniform in ±0.05 per component,
 * termination when |x| > 2.4 m or |θ| > 12° (12·2π/360 = 0.2095 rad), truncation after the episode's step limit
 * (500 for v1), reward 1 for every step including the terminating one. Actions: 0 pushes left, 1 pushes right.
 * θ = 0 is upright, positive θ leans the pole towards +x.
 * <p>
 * The state is kept in double (as Gym keeps it in Python floats); {@link State#observation} is the float32 view the
 * agent sees. One instance is one environment whose episodes run one after the other; the randomness of a start
 * state comes from the caller, so an episode can be a pure function of its own stream.
 */
public final class CartPole {

    public static final double GRAVITY = 9.8;
    public static final double MASS_CART = 1.0;
    public static final double MASS_POLE = 0.1;
    public static final double TOTAL_MASS = MASS_CART + MASS_POLE;
    /** Half the pole's length (the pivot-to-centre-of-mass distance). */
    public static final double HALF_LENGTH = 0.5;
    public static final double POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
    public static final double FORCE = 10.0;
    public static final double TAU = 0.02;
    public static final double X_THRESHOLD = 2.4;
    public static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    public static final double START_BOUND = 0.05;
    public static final int LEFT = 0, RIGHT = 1;
    public static final int ACTIONS = 2;
    public static final int STATE_DIM = 4;

    /** Cart position (m), cart velocity (m/s), pole angle from upright (rad), pole angular velocity (rad/s). */
    public record State(double x, double xDot, double theta, double thetaDot) {
        /** The observation as Gym returns it: the state rounded to float32, in the order x, ẋ, θ, θ̇. */
        public void observation(float[] dst, int offset) {
            dst[offset] = (float) x;
            dst[offset + 1] = (float) xDot;
            dst[offset + 2] = (float) theta;
            dst[offset + 3] = (float) thetaDot;
        }

        public float[] observation() {
            float[] o = new float[STATE_DIM];
            observation(o, 0);
            return o;
        }
    }

    /** What one step returns: the state after it, its reward, and whether the episode ended by failure or by the limit. */
    public record Step(State state, double reward, boolean terminated, boolean truncated) {
        public boolean done() { return terminated || truncated; }
    }

    private final int maxEpisodeSteps;
    private State state;
    private int steps;

    public CartPole(int maxEpisodeSteps) {
        if (maxEpisodeSteps < 1) throw new IllegalArgumentException("max episode steps must be >= 1, got " + maxEpisodeSteps);
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    /** Starts an episode: every component uniform in [−0.05, 0.05), drawn in the order x, ẋ, θ, θ̇. */
    public State reset(SplittableRandom rng) {
        state = new State(uniform(rng), uniform(rng), uniform(rng), uniform(rng));
        steps = 0;
        return state;
    }

    /** Starts an episode from a given state (tests, replays). */
    public State reset(State start) {
        state = start;
        steps = 0;
        return state;
    }

    private static double uniform(SplittableRandom rng) { return rng.nextDouble(-START_BOUND, START_BOUND); }

    /** One step; stepping an ended episode is an error (Gym only warns; here it would be a silent bug). */
    public Step step(int action) {
        if (state == null) throw new IllegalStateException("step before reset");
        if (steps < 0) throw new IllegalStateException("step after the episode ended; reset first");
        state = next(state, action);
        steps++;
        boolean terminated = failed(state);
        boolean truncated = steps >= maxEpisodeSteps;
        if (terminated || truncated) steps = -1;
        return new Step(state, 1.0, terminated, truncated);
    }

    public State state() { return state; }

    public int maxEpisodeSteps() { return maxEpisodeSteps; }

    /** The equations of motion (Florian 2007's corrected form, as in Gym) and one explicit Euler step. */
    public static State next(State s, int action) {
        if (action != LEFT && action != RIGHT) throw new IllegalArgumentException("action must be 0 (left) or 1 (right), got " + action);
        double force = action == RIGHT ? FORCE : -FORCE;
        double cos = Math.cos(s.theta), sin = Math.sin(s.theta);
        double temp = (force + POLE_MASS_LENGTH * s.thetaDot * s.thetaDot * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        return new State(s.x + TAU * s.xDot, s.xDot + TAU * xAcc, s.theta + TAU * s.thetaDot, s.thetaDot + TAU * thetaAcc);
    }

    /** The failure condition (strict inequalities, as Gym). */
    public static boolean failed(State s) {
        return s.x < -X_THRESHOLD || s.x > X_THRESHOLD || s.theta < -THETA_THRESHOLD || s.theta > THETA_THRESHOLD;
    }
}
