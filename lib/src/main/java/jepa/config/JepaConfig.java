package jepa.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import jepa.method.Methods;
import jepa.settings.AgentConfig;
import jepa.settings.CartPoleConfig;
import jepa.settings.Check;
import jepa.settings.ComputeConfig;
import jepa.settings.ConfigError;
import jepa.settings.CountingConfig;
import jepa.settings.PJepaConfig;
import jepa.settings.DatasetConfig;
import jepa.settings.MethodConfig;
import jepa.settings.NoiseConfig;
import jepa.settings.ParallelConfig;
import jepa.settings.PlanningConfig;
import jepa.settings.PpoConfig;
import jepa.settings.ProbeConfig;
import jepa.settings.ScaleConfig;
import jepa.settings.SparkConfig;
import jepa.settings.TrainConfig;
import jepa.settings.WorldConfig;
import jepa.world.Worlds;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The whole configuration of a run: a HOCON file over the built-in defaults ({@code jepa-defaults.conf} and each
 * registered method's own keys), then {@code key=value} overrides. Every key must be one the defaults know; every
 * value is type- and range-checked here, before any job starts; world and method names come from their registries.
 */
public record JepaConfig(String dataRoot, ScaleConfig scale, SparkConfig spark, ComputeConfig compute, WorldConfig world, NoiseConfig noise,
                         DatasetConfig dataset, MethodConfig method, TrainConfig train, ParallelConfig parallel, ProbeConfig probe,
                         PlanningConfig planning, BenchConfig bench, SweepConfig sweep, Config raw) {

    private static final String DEFAULTS = "jepa-defaults.conf";

    /** Loads {@code file} (null = defaults only) with {@code overrides} of the form key=value. */
    public static JepaConfig load(Path file, List<String> overrides) {
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
            Config o = parseOverride(kv);
            rejectUnknownKeys(o, "override '" + kv + "'");
            user = o.withFallback(user);
        }
        Config merged = user.withFallback(defaults()).resolve();
        return fromConfig(merged);
    }

    /** Builds and validates the records from a fully merged config. */
    public static JepaConfig fromConfig(Config c) {
        WorldConfig world = WorldConfig.from(c);
        Worlds.of(world.kind());
        MethodConfig method = MethodConfig.from(c);
        Methods.type(method.name());
        // every method's own keys are checked, not only the chosen one's: a sweep or the bench may build any of them
        Map<String, jepa.method.Method> methods = new java.util.HashMap<>();
        for (jepa.method.MethodType t : Methods.ALL)
            methods.put(t.name(), t.create(MethodConfig.from(c.withValue("method.name", ConfigValueFactory.fromAnyRef(t.name())))));
        SweepConfig sweep = SweepConfig.from(c);
        runsOn(methods, method.name(), world.kind(), "method.name", "world.kind");
        for (String w : sweep.worlds()) for (String m : sweep.methods()) runsOn(methods, m, w, "sweep.methods", "sweep.worlds");
        CountingConfig.from(c);   // checked whatever the world, like every section
        PJepaConfig.from(c);
        AgentConfig.from(c).checkFrames(CartPoleConfig.from(c));
        PpoConfig.from(c);
        return new JepaConfig(Check.string(c, "data-root"), ScaleConfig.from(c), SparkConfig.from(c), ComputeConfig.from(c), world, NoiseConfig.from(c),
                DatasetConfig.from(c), method, TrainConfig.from(c), ParallelConfig.from(c), ProbeConfig.from(c), PlanningConfig.from(c), BenchConfig.from(c),
                sweep, c);
    }

    /** A method runs only on the worlds it was made for (seed 000's on the dots, P-JEPA on the counting world, the agents on CartPole). */
    private static void runsOn(Map<String, jepa.method.Method> methods, String method, String world, String methodKey, String worldKey) {
        jepa.method.Method m = methods.get(method);
        if (m != null && !m.runsOn(Worlds.of(world)))
            throw new ConfigError(methodKey + ": method " + method + " does not run on " + worldKey + " " + world);
    }

    /** The counting world's section (seed 002). */
    public CountingConfig counting() { return CountingConfig.from(raw); }

    /** What the P-JEPA variants share (seed 002). */
    public PJepaConfig pjepa() { return PJepaConfig.from(raw); }

    /** Seed 003's CartPole world, PPO and pixel agent. */
    public CartPoleConfig cartpole() { return CartPoleConfig.from(raw); }

    public PpoConfig ppo() { return PpoConfig.from(raw); }

    public AgentConfig agent() { return AgentConfig.from(raw); }

    /** Rebuilds a config from its {@link #render() rendering} (a snapshot stored beside outputs). */
    public static JepaConfig fromRendered(String hocon) {
        return fromConfig(ConfigFactory.parseString(hocon).withFallback(defaults()).resolve());
    }

    /** This config with key=value overrides applied (validated like the command line's). */
    public JepaConfig with(List<String> overrides) {
        Config c = raw;
        for (String kv : overrides) {
            Config o = parseOverride(kv);
            rejectUnknownKeys(o, "override '" + kv + "'");
            c = o.withFallback(c);
        }
        return fromConfig(c.resolve());
    }

    public static Config defaults() {
        return ConfigFactory.parseResources(JepaConfig.class.getClassLoader(), DEFAULTS).withFallback(Methods.defaults());
    }

    /** A key=value override; the value is HOCON when it parses as a number, boolean or list, otherwise a plain string. */
    static Config parseOverride(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new ConfigError("override must be key=value, got '" + kv + "'");
        String key = kv.substring(0, eq).trim();
        String value = kv.substring(eq + 1).trim();
        if (!key.matches("[A-Za-z0-9_.-]+")) throw new ConfigError("bad key in override '" + kv + "'");
        Object v = value;
        if (value.matches("-?[0-9.eE+-]+|true|false|\\[.*]")) {
            try {
                v = ConfigFactory.parseString("v = " + value).getValue("v").unwrapped();
            } catch (com.typesafe.config.ConfigException e) {
                // a list of bare words HOCON cannot take unquoted (e.g. [state,jepa+rl]): a list of strings
                v = value.startsWith("[") ? java.util.Arrays.stream(value.substring(1, value.length() - 1).split(",")).map(String::trim).toList() : value;
            }
        }
        return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(v, "override " + kv));
    }

    private static void rejectUnknownKeys(Config user, String where) {
        Config d = defaults();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : user.entrySet())
            if (!d.hasPathOrNull(e.getKey())) unknown.add(e.getKey());
        if (!unknown.isEmpty())
            throw new ConfigError("unknown config key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", new TreeSet<>(unknown))
                    + " in " + where);
    }

    /** The effective configuration as HOCON (JSON syntax, sorted keys): the snapshot stored with every output. */
    public String render() {
        return raw.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(true));
    }

    /** The method config of another method, with this config's network shape and that method's own keys. */
    public MethodConfig methodConfig(String name) {
        Methods.type(name);
        return MethodConfig.from(raw.withValue("method.name", ConfigValueFactory.fromAnyRef(name)));
    }

    /** The effective value of one key, as a string (for launchers). */
    public String valueOf(String key) {
        if (!raw.hasPath(key)) throw new ConfigError("unknown config key " + key);
        return String.valueOf(raw.getValue(key).unwrapped());
    }

    /** Short stable hash of a rendered section set, used to recognise identical runs. */
    public static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dataset folder for this config: {@code <data-root>/<world.kind>/<dataset name>} (a local path or a URI). */
    public String datasetDir() {
        return join(dataRoot, world.kind(), dataset.resolvedName(noise));
    }

    /** The results folder: {@code <data-root>/results}. */
    public String resultsDir() { return join(dataRoot, "results"); }

    /** Joins path parts with '/', keeping URIs such as hdfs://host/x intact. */
    public static String join(String first, String... more) {
        StringBuilder b = new StringBuilder(first.endsWith("/") && first.length() > 1 ? first.substring(0, first.length() - 1) : first);
        for (String m : more) b.append('/').append(m);
        return b.toString();
    }
}
