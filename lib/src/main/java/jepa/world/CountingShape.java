package jepa.world;

/**
 * The object shapes of the counting world, as pixel masks within the (2r+1)² box around an integer centre. Every
 * mask is 4-connected, so a rendered object is exactly one connected component.
 */
public enum CountingShape {
    /** Pixels within r + ½ of the centre (a disk 2r+1 px across). */
    DISK("disk"),
    /** The whole box. */
    SQUARE("square"),
    /** Apex at the top centre, base along the box's bottom row. */
    TRIANGLE("triangle"),
    /** A diagonal bar about 2 px thick from the top-left to the bottom-right corner of the box. */
    BAR("bar");

    private final String id;

    CountingShape(String id) { this.id = id; }

    /** The name stored in the data. */
    public String id() { return id; }

    /** The shape with this name; a clear error otherwise. */
    public static CountingShape of(String id) {
        for (CountingShape s : values()) if (s.id.equals(id)) return s;
        throw new IllegalArgumentException("unknown shape '" + id + "', expected disk, square, triangle or bar");
    }

    /** Whether the pixel at offset (dx, dy) from the centre (dy down) belongs to the shape of half-extent r. */
    public boolean covers(int dx, int dy, int r) {
        if (Math.abs(dx) > r || Math.abs(dy) > r) return false;
        return switch (this) {
            case DISK -> 4 * (dx * dx + dy * dy) <= (2 * r + 1) * (2 * r + 1);   // d² ≤ (r + ½)² in integers
            case SQUARE -> true;
            case TRIANGLE -> 2 * Math.abs(dx) <= dy + r;                          // half-width grows ½ px per row
            case BAR -> Math.abs(dx - dy) <= 1;                                   // the diagonal and its side neighbours
        };
    }
}
