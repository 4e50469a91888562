package jepa.jobs;

import java.io.Serializable;

/**
 * One step of a CartPole dataset episode as a Spark bean; columns are renamed to snake_case and put in the order of
 * the {@code cartpole} view when written ({@link CartPoleEpisodes}).
 */
public class CartPoleRow implements Serializable {
    private long episode;
    private int step;
    private double x, xDot, theta, thetaDot;
    private int action;
    private float reward;
    private boolean terminated, truncated;
    private byte[] frame;

    public CartPoleRow() {}

    public CartPoleRow(long episode, int step, double x, double xDot, double theta, double thetaDot, int action, float reward,
                       boolean terminated, boolean truncated, byte[] frame) {
        this.episode = episode; this.step = step; this.x = x; this.xDot = xDot; this.theta = theta; this.thetaDot = thetaDot;
        this.action = action; this.reward = reward; this.terminated = terminated; this.truncated = truncated; this.frame = frame;
    }

    public long getEpisode() { return episode; }
    public void setEpisode(long v) { episode = v; }
    public int getStep() { return step; }
    public void setStep(int v) { step = v; }
    public double getX() { return x; }
    public void setX(double v) { x = v; }
    public double getXDot() { return xDot; }
    public void setXDot(double v) { xDot = v; }
    public double getTheta() { return theta; }
    public void setTheta(double v) { theta = v; }
    public double getThetaDot() { return thetaDot; }
    public void setThetaDot(double v) { thetaDot = v; }
    public int getAction() { return action; }
    public void setAction(int v) { action = v; }
    public float getReward() { return reward; }
    public void setReward(float v) { reward = v; }
    public boolean isTerminated() { return terminated; }
    public void setTerminated(boolean v) { terminated = v; }
    public boolean isTruncated() { return truncated; }
    public void setTruncated(boolean v) { truncated = v; }
    public byte[] getFrame() { return frame; }
    public void setFrame(byte[] v) { frame = v; }
}
