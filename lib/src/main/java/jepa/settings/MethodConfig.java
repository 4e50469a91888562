package jepa.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Which method, and the shape of the JEPA network every network method shares: MeNet5 width and embedding, GRU depth,
 * channel summing for the 3-dot world. The method's own keys (method.&lt;name&gt;.*) are parsed and checked by its type
 * in the method registry (jepa.method.Methods), which also checks the name when the whole config loads.
 *
 * @param options the method.&lt;name&gt; section (empty when the method has no keys)
 */
public record MethodConfig(String name, int width, int embedding, int gruLayers, boolean sumChannels, Config options)
        implements java.io.Serializable {

    public MethodConfig {
        Check.positive("method.width", width);
        Check.positive("method.embedding", embedding);
        Check.positive("method.gru-layers", gruLayers);
    }

    /** A config for {@code name} with the shape of this one, and the given options section. */
    public MethodConfig withName(String name, Config options) {
        return new MethodConfig(name, width, embedding, gruLayers, sumChannels, options);
    }

    /** The method's own keys under their full names (method.&lt;name&gt;.…), for typed reads whose errors name them. */
    public Config keys() { return options.atPath(com.typesafe.config.ConfigUtil.joinPath("method", name)); }

    public static MethodConfig from(Config c) {
        String name = Check.string(c, "method.name");
        String section = name.isEmpty() ? "method." : com.typesafe.config.ConfigUtil.joinPath("method", name);   // quoted: names may hold '+'
        Config options = !name.isEmpty() && c.hasPath(section) && c.getValue(section).valueType() == com.typesafe.config.ConfigValueType.OBJECT
                ? c.getConfig(section) : ConfigFactory.empty();
        return new MethodConfig(name, Check.integer(c, "method.width"), Check.integer(c, "method.embedding"),
                Check.integer(c, "method.gru-layers"), Check.bool(c, "method.sum-channels"), options);
    }
}
