package jepa.world;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float[] ↔ little-endian bytes: the on-disk layout of frames (Parquet binary column). */
public final class FloatBytes {
    private FloatBytes() {}

    public static byte[] toBytes(float[] values) {
        byte[] out = new byte[values.length * Float.BYTES];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return out;
    }

    public static float[] toFloats(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0)
            throw new IllegalArgumentException("byte length " + bytes.length + " is not a multiple of 4");
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
