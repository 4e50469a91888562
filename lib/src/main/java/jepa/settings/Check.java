package jepa.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** Typed reads and range checks whose errors name the key: the one place config values are checked. */
public final class Check {
    private Check() {}

    public static String string(Config c, String key) { return read(key, () -> c.getString(key)); }
    public static int integer(Config c, String key) { return read(key, () -> c.getInt(key)); }
    public static long longValue(Config c, String key) { return read(key, () -> c.getLong(key)); }
    public static double number(Config c, String key) { return read(key, () -> c.getDouble(key)); }
    public static boolean bool(Config c, String key) { return read(key, () -> c.getBoolean(key)); }
    public static List<String> strings(Config c, String key) { return List.copyOf(read(key, () -> c.getStringList(key))); }
    public static List<Double> numbers(Config c, String key) { return List.copyOf(read(key, () -> c.getDoubleList(key))); }
    public static List<Integer> integers(Config c, String key) { return List.copyOf(read(key, () -> c.getIntList(key))); }
    public static List<Long> longs(Config c, String key) { return List.copyOf(read(key, () -> c.getLongList(key))); }

    private static <T> T read(String key, Supplier<T> get) {
        try {
            return get.get();
        } catch (ConfigException.Missing e) {
            throw new ConfigError("missing config key " + key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("config key " + key + " has the wrong type: " + e.getMessage(), e);
        }
    }

    public static void positive(String key, double v) { if (!(v > 0) || Double.isInfinite(v)) throw new ConfigError(key + " must be finite and > 0, got " + v); }
    public static void nonNegative(String key, double v) { if (!(v >= 0) || Double.isInfinite(v)) throw new ConfigError(key + " must be finite and >= 0, got " + v); }
    public static void min(String key, double v, double min) { if (!(v >= min)) throw new ConfigError(key + " must be >= " + min + ", got " + v); }
    public static void range(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw new ConfigError(key + " must be in [" + lo + ", " + hi + "], got " + v);
    }
    public static void oneOf(String key, String v, String... allowed) { oneOf(key, v, Arrays.asList(allowed)); }
    public static void oneOf(String key, String v, Collection<String> allowed) {
        if (!allowed.contains(v)) throw new ConfigError(key + " must be one of " + allowed + ", got '" + v + "'");
    }
    public static void eachOneOf(String key, Collection<String> values, Collection<String> allowed) {
        for (String v : values) oneOf(key, v, allowed);
    }
    public static void notEmpty(String key, Collection<?> values) { if (values.isEmpty()) throw new ConfigError(key + " must not be empty"); }
}
