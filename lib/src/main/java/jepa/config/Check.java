package jepa.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.Arrays;

/** Typed reads and range checks whose errors name the key. */
final class Check {
    private Check() {}

    static String string(Config c, String key) { return read(key, () -> c.getString(key)); }
    static int integer(Config c, String key) { return read(key, () -> c.getInt(key)); }
    static long longValue(Config c, String key) { return read(key, () -> c.getLong(key)); }
    static double number(Config c, String key) { return read(key, () -> c.getDouble(key)); }
    static boolean bool(Config c, String key) { return read(key, () -> c.getBoolean(key)); }

    private static <T> T read(String key, java.util.function.Supplier<T> get) {
        try {
            return get.get();
        } catch (ConfigException.Missing e) {
            throw new ConfigError("missing config key " + key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("config key " + key + " has the wrong type: " + e.getMessage(), e);
        }
    }

    static void positive(String key, double v) { if (!(v > 0)) throw new ConfigError(key + " must be > 0, got " + v); }
    static void nonNegative(String key, double v) { if (!(v >= 0)) throw new ConfigError(key + " must be >= 0, got " + v); }
    static void min(String key, double v, double min) { if (!(v >= min)) throw new ConfigError(key + " must be >= " + min + ", got " + v); }
    static void oneOf(String key, String v, String... allowed) {
        if (!Arrays.asList(allowed).contains(v)) throw new ConfigError(key + " must be one of " + Arrays.toString(allowed) + ", got '" + v + "'");
    }
}
