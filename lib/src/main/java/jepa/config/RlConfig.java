package jepa.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Seed 003's configuration (the CartPole environment and PPO): a HOCON file over {@code rl-defaults.conf}, then
 * key=value overrides. Kept apart from {@link JepaConfig} until the pixel agent joins the training jobs; the same
 * rules: every key must be a known one, every value is checked on construction with errors naming the key.
 */
public record RlConfig(CartPoleConfig cartpole, PpoConfig ppo, Config raw) {

    private static final String DEFAULTS = "rl-defaults.conf";

    public static Config defaults() { return ConfigFactory.parseResources(RlConfig.class.getClassLoader(), DEFAULTS); }

    /** Loads {@code file} (null = defaults only) with {@code overrides} of the form key=value. */
    public static RlConfig load(Path file, List<String> overrides) {
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigError("config file not found: " + file);
            try {
                user = ConfigFactory.parseFile(file.toFile());
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigError("cannot parse config file " + file + ": " + e.getMessage(), e);
            }
            rejectUnknownKeys(user, "config file " + file);
        }
        for (String kv : overrides) {
            Config o = JepaConfig.parseOverride(kv);
            rejectUnknownKeys(o, "override '" + kv + "'");
            user = o.withFallback(user);
        }
        Config c = user.withFallback(defaults()).resolve();
        return new RlConfig(CartPoleConfig.from(c), PpoConfig.from(c), c);
    }

    private static void rejectUnknownKeys(Config user, String where) {
        Config d = defaults();
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : user.entrySet())
            if (!d.hasPathOrNull(e.getKey())) unknown.add(e.getKey());
        if (!unknown.isEmpty())
            throw new ConfigError("unknown config key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " in " + where);
    }

    /** The effective configuration as JSON with sorted keys (stored beside a run's output). */
    public String render() { return raw.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(true)); }
}
