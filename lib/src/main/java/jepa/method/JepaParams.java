package jepa.method;

import jepa.settings.Check;
import jepa.world.MovingDots;

/**
 * The JEPA network's shape (reference §2.1, reference §2.3).
 *
 * @param channels    channels of the input frames (1, or 3 for the 3-dot world)
 * @param sumChannels sum the input channels into one before a 1-channel encoder (reference §1.8); no-op for 1 channel
 * @param width       MeNet5 width factor w (channels 16w, 32w, 32w)
 * @param embedding   representation size D (encoder output = GRU hidden size)
 * @param gruLayers   GRU layers (every layer starts from the frame-1 encoding)
 * @param seed        seed of the PyTorch-style initialisation
 */
public record JepaParams(int channels, boolean sumChannels, int width, int embedding, int gruLayers, long seed) implements java.io.Serializable {
    public JepaParams {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("frames have 1 or 3 channels (dots), got " + channels);
        Check.positive("method.width", width);
        Check.positive("method.embedding", embedding);
        Check.positive("method.gru-layers", gruLayers);
    }

    /** The network a config asks for: the world's channels (summed for the 3-dot world when configured). */
    public static JepaParams of(jepa.settings.MethodConfig m, jepa.settings.WorldConfig w, long seed) {
        int dots = MovingDots.of(w).dots();
        return new JepaParams(dots, dots > 1 && m.sumChannels(), m.width(), m.embedding(), m.gruLayers(), seed);
    }

    /** Channels the encoder's first convolution sees. */
    public int encoderChannels() { return sumChannels ? 1 : channels; }
}
