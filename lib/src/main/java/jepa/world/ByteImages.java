package jepa.world;

/** 28×28 8-bit images kept as bytes (4× smaller than floats: 50k CIFAR crops = 39 MB), scaled by 1/255 on copy. */
final class ByteImages implements NoiseImages {
    private final byte[] pixels;
    private final int count;
    private final String source;

    ByteImages(byte[] pixels, String source) {
        if (pixels.length == 0 || pixels.length % PIXELS != 0)
            throw new IllegalArgumentException(source + ": " + pixels.length + " pixels is not a positive multiple of " + PIXELS);
        this.pixels = pixels;
        this.count = pixels.length / PIXELS;
        this.source = source;
    }

    @Override public int count() { return count; }

    @Override public String source() { return source; }

    @Override
    public void copyTo(int index, float[] dst, int offset) {
        int base = index * PIXELS;
        for (int k = 0; k < PIXELS; k++) dst[offset + k] = (pixels[base + k] & 0xFF) / 255f;
    }
}
