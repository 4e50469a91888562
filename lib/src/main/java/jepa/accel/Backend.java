package jepa.accel;

import jepa.settings.ComputeConfig;
import jepa.settings.ConfigError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which implementation runs the hot layers of every network in this JVM (compute.backend): the project's native
 * kernels, its Java runtimes, or DL4J's stock layers and SameDiff. Chosen once per process (a job's start, a Spark
 * task's start) before any network is built; every layer configuration asks {@link #current()} when it instantiates
 * its runtime. Where a native kernel does not apply to a layer (its shape or type), that layer runs its Java runtime.
 */
public enum Backend {
    NATIVE, JAVA, STOCK;

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static volatile Backend current;

    /** The name in configs, tables and the bench CSV. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The fastest available here: native when the kernels load on this CPU, else java. */
    public static Backend fastest() { return NativeLibrary.available() ? NATIVE : JAVA; }

    /** Resolves a compute.backend value; an explicit "native" where the kernels cannot run is an error. */
    public static Backend resolve(String configured) {
        return switch (configured) {
            case ComputeConfig.AUTO -> fastest();
            case ComputeConfig.NATIVE -> {
                if (!NativeLibrary.available())
                    throw new ConfigError("compute.backend = native, but the native kernels cannot run here (" + NativeLibrary.why()
                            + "): use auto or java");
                yield NATIVE;
            }
            case ComputeConfig.JAVA -> JAVA;
            case ComputeConfig.STOCK -> STOCK;
            default -> throw new ConfigError("compute.backend must be one of auto, native, java, stock, got '" + configured + "'");
        };
    }

    /** Sets this process's backend; logged once when it changes. Returns it. */
    public static synchronized Backend use(String configured) {
        Backend b = resolve(configured);
        if (b != current) LOG.info("compute backend: {} (compute.backend = {})", b.id(), configured);
        current = b;
        return b;
    }

    /** This process's backend: the one set by {@link #use}, else the fastest available. */
    public static Backend current() {
        Backend b = current;
        return b != null ? b : fastest();
    }
}
