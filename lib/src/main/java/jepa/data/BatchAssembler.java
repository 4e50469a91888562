package jepa.data;

import jepa.settings.WorldConfig;
import jepa.world.MovingDots;
import jepa.world.Normalization;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Turns stored sequences (frames [17][C][28][28] un-normalised, locations and actions in pixels) into a
 * normalised {@link Batch}: images (x − mean_c)/std_c per channel, locations ((c − 2.6)/21.8 − 0.5)/√(1/12),
 * actions a/(0.4102·max-step). One pass per array, straight into the network's layouts.
 */
public final class BatchAssembler {
    private final Normalization norm;
    private final int frames, channels, pixels, dots;

    public BatchAssembler(Normalization norm, WorldConfig world) {
        this.norm = norm;
        this.frames = world.frames();
        this.channels = MovingDots.of(world).dots();
        this.pixels = world.imageSize() * world.imageSize();
        this.dots = MovingDots.of(world).dots();
    }

    /** One sequence as stored: its id, frames (17·C·784), locations (17·dots·2), actions (16·2). */
    public record Stored(long seqId, float[] frames, float[] locations, float[] actions) {
        /** A sequence without an id (tests, benchmarks). */
        public Stored(float[] frames, float[] locations, float[] actions) { this(-1, frames, locations, actions); }
    }

    public Batch assemble(List<Stored> seqs) {
        int b = seqs.size(), t = frames, f = channels * pixels, a = t - 1;
        float[] x = new float[b * f * t];
        float[] act = new float[b * 2 * a];
        float[] loc = new float[b * 2 * dots * t];
        float[] mean = norm.imageMean(), std = norm.imageStd();
        long[] ids = new long[b];
        for (int i = 0; i < b; i++) {
            Stored s = seqs.get(i);
            ids[i] = s.seqId();
            if (s.frames().length != t * f) throw new IllegalArgumentException("sequence has " + s.frames().length + " frame values, expected " + t * f);
            int base = i * f * t;
            for (int k = 0; k < t; k++)
                for (int c = 0; c < channels; c++) {
                    float m = mean[c], inv = 1f / std[c];
                    int src = (k * channels + c) * pixels, dst = base + c * pixels * t + k;
                    for (int p = 0; p < pixels; p++) x[dst + p * t] = (s.frames()[src + p] - m) * inv;
                }
            for (int k = 0; k < a; k++)
                for (int c = 0; c < 2; c++)
                    act[i * 2 * a + c * a + k] = (float) norm.normalizeAction(s.actions()[k * 2 + c]);
            for (int k = 0; k < t; k++)
                for (int d = 0; d < dots; d++)
                    for (int c = 0; c < 2; c++)
                        loc[i * 2 * dots * t + (d * 2 + c) * t + k] = (float) norm.normalizeLocation(s.locations()[(k * dots + d) * 2 + c]);
        }
        return new Batch(Nd4j.create(x, new long[]{b, f, t}, 'c'), Nd4j.create(act, new long[]{b, 2, a}, 'c'),
                Nd4j.create(loc, new long[]{b, 2L * dots, t}, 'c'), ids);
    }
}
