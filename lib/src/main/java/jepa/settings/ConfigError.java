package jepa.settings;

/** A bad configuration: the message names the key, file or value. Raised before any job starts work. */
public class ConfigError extends IllegalArgumentException {
    public ConfigError(String message) { super(message); }
    public ConfigError(String message, Throwable cause) { super(message, cause); }
}
