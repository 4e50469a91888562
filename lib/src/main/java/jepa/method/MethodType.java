package jepa.method;

import jepa.settings.MethodConfig;

import java.util.Map;
import java.util.function.Function;

/**
 * One entry of the method registry: the name a config uses, the class that implements it, the method's own keys with their defaults (HOCON, the
 * body of {@code method.<name>}; empty when it has none), its search keys with the reference code's column for each
 * (the centres of a sweep's hyper-parameter search, {@code jepa/best_hparams.csv}), and how to build it from a config.
 */
public record MethodType(String name, Class<? extends Method> implementation, String keys, Map<String, String> referenceColumns,
                         Function<MethodConfig, Method> factory) {

    public MethodType {
        if (!name.matches("[a-z][a-z0-9+-]*")) throw new IllegalArgumentException("method name '" + name + "' must be lower-case");
        referenceColumns = Map.copyOf(referenceColumns);
    }

    /** The method a config asks for; its own keys are checked here, errors name them (method.&lt;name&gt;.…). */
    public Method create(MethodConfig config) {
        if (!config.name().equals(name)) throw new IllegalArgumentException("config names method " + config.name() + ", not " + name);
        return factory.apply(config);
    }

    /** Whether it has a network (else it is a {@link Baseline}). */
    public boolean hasNetwork() { return NetworkMethod.class.isAssignableFrom(implementation); }

    /** Whether a sweep varies {@code key} for this method (keys that belong to no method apply to every method). */
    public boolean searches(String key) { return referenceColumns.containsKey(key); }
}
