package jepa.jobs;

import java.io.Serializable;

/**
 * One sequence as a Spark bean (Encoders.bean generates the row conversion, with primitive arrays copied straight
 * into Spark's binary rows). Column names are renamed to DESIGN.md's snake_case when written.
 */
public class SequenceRow implements Serializable {
    private long seqId;
    private String split;
    private String world;
    private String noiseKind;
    private String noiseTemporal;
    private float alpha;
    private float[] locations;
    private float[] actions;
    private byte[] frames;

    public SequenceRow() {}

    public SequenceRow(long seqId, String split, String world, String noiseKind, String noiseTemporal, float alpha,
                       float[] locations, float[] actions, byte[] frames) {
        this.seqId = seqId; this.split = split; this.world = world; this.noiseKind = noiseKind;
        this.noiseTemporal = noiseTemporal; this.alpha = alpha; this.locations = locations; this.actions = actions;
        this.frames = frames;
    }

    public long getSeqId() { return seqId; }
    public void setSeqId(long v) { seqId = v; }
    public String getSplit() { return split; }
    public void setSplit(String v) { split = v; }
    public String getWorld() { return world; }
    public void setWorld(String v) { world = v; }
    public String getNoiseKind() { return noiseKind; }
    public void setNoiseKind(String v) { noiseKind = v; }
    public String getNoiseTemporal() { return noiseTemporal; }
    public void setNoiseTemporal(String v) { noiseTemporal = v; }
    public float getAlpha() { return alpha; }
    public void setAlpha(float v) { alpha = v; }
    public float[] getLocations() { return locations; }
    public void setLocations(float[] v) { locations = v; }
    public float[] getActions() { return actions; }
    public void setActions(float[] v) { actions = v; }
    public byte[] getFrames() { return frames; }
    public void setFrames(byte[] v) { frames = v; }
}
