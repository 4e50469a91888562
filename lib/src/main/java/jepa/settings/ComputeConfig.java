package jepa.settings;

import com.typesafe.config.Config;

/**
 * Which implementation runs the hot layers (jepa.accel.Backend): "native" (the project's C kernels, then its Java
 * runtimes where a kernel does not apply), "java" (the project's Java runtimes on OpenBLAS), "stock" (DL4J's own
 * layers and SameDiff), or "auto" (the fastest available here: native when the library loads, else java).
 */
public record ComputeConfig(String backend) implements java.io.Serializable {
    public static final String AUTO = "auto", NATIVE = "native", JAVA = "java", STOCK = "stock";

    public ComputeConfig {
        Check.oneOf("compute.backend", backend, AUTO, NATIVE, JAVA, STOCK);
    }

    public static ComputeConfig from(Config c) { return new ComputeConfig(Check.string(c, "compute.backend")); }
}
