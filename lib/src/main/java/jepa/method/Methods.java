package jepa.method;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import jepa.settings.ConfigError;
import jepa.settings.MethodConfig;

import java.util.List;

/**
 * The method registry: every method a config, a sweep, the bench and the report know, in the order reports list them
 * (the paper's). Adding a method is one line here plus its class.
 */
public final class Methods {
    private Methods() {}

    public static final List<MethodType> ALL = concat(List.of(Vicreg.TYPE, SimClr.TYPE, Idm.TYPE, Rssm.TYPE, Supervised.TYPE,
            RandomInit.TYPE, Center.TYPE), RemedyJepa.TYPES, LatentJepa.TYPES, List.of(HJepa.TYPE),
            List.of(PJepa.REWARD, PJepa.RANDOM, PJepa.REWARD_ONLY, PJepa.DYNAMICS_ONLY), Agent.TYPES);

    @SafeVarargs
    private static List<MethodType> concat(List<MethodType>... groups) {
        return java.util.Arrays.stream(groups).flatMap(List::stream).toList();
    }

    public static List<String> names() { return ALL.stream().map(MethodType::name).toList(); }

    public static MethodType type(String name) {
        for (MethodType t : ALL) if (t.name().equals(name)) return t;
        throw new ConfigError("unknown method '" + name + "' (methods: " + String.join(", ", names()) + ")");
    }

    /** The method a config names, built with its keys. */
    public static Method create(MethodConfig config) { return type(config.name()).create(config); }

    /** The network method a config names; an error naming the method when it has no network. */
    public static NetworkMethod network(MethodConfig config) {
        if (create(config) instanceof NetworkMethod n) return n;
        throw new ConfigError("method " + config.name() + " has no network");
    }

    /** Whether some method searches {@code key}. */
    public static boolean searched(String key) { return ALL.stream().anyMatch(t -> t.searches(key)); }

    /** The defaults of every method's own keys, as {@code method { <name> { … } }}. */
    public static Config defaults() {
        StringBuilder b = new StringBuilder("method {\n");
        for (MethodType t : ALL) if (!t.keys().isBlank()) b.append(t.name()).append(" {\n").append(t.keys()).append("\n}\n");
        return ConfigFactory.parseString(b.append("}\n").toString());
    }
}
