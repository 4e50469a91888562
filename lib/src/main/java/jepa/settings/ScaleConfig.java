package jepa.settings;

import com.typesafe.config.Config;

/**
 * Which scale a config is (quick, medium, paper, …) and what it buys, stated at the top of every report so a table is
 * never read without knowing how much data and training made it.
 */
public record ScaleConfig(String name, String note) implements java.io.Serializable {
    public ScaleConfig {
        if (name.isBlank()) throw new ConfigError("scale.name must not be empty (e.g. quick, medium, paper)");
    }

    public static ScaleConfig from(Config c) { return new ScaleConfig(Check.string(c, "scale.name"), Check.string(c, "scale.note")); }
}
