package jepa.accel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The project's native kernels (src/main/c, AVX2 + FMA: jepa.accel.conv.NativeConv2d, jepa.accel.gru.NativeGru,
 * jepa.accel.batchnorm.NativeBatchNorm): one library, built by gcc into the jar for linux-x86_64, loaded from the class
 * path on first use. Elsewhere, when it was built without gcc, or on a CPU without AVX2 and FMA, {@link #available()}
 * is false ({@link #why()} says why) and {@link Backend} does not run the native kernels.
 */
public final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String LIBRARY = "/native/linux-x86_64/libjepa.so";
    private static String why = "not loaded yet";
    private static final boolean LOADED = load();

    private NativeLibrary() {}

    /** Whether the kernels can run here: library loaded, AVX2 + FMA. */
    public static boolean available() { return LOADED; }

    /** Why they cannot (when {@link #available()} is false). */
    public static String why() { return LOADED ? "available" : why; }

    private static boolean load() {
        boolean linuxX86 = "Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"));
        if (!linuxX86) {
            why = "kernels are built for linux-x86_64 only";
            return false;
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(LIBRARY)) {
            if (in == null) {
                why = LIBRARY + " is not on the class path (built without gcc?)";
                LOG.warn("{}: convolutions, GRU and BatchNorm take the Java path", why);
                return false;
            }
            Path file = Files.createTempFile("libjepa", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toString());
            boolean cpu = supported();
            if (!cpu) {
                why = "this CPU lacks AVX2/FMA";
                LOG.info("{}: convolutions, GRU and BatchNorm take the Java path", why);
            }
            return cpu;
        } catch (IOException | UnsatisfiedLinkError e) {
            why = "could not load " + LIBRARY + " (" + e + ")";
            LOG.warn("{}: convolutions, GRU and BatchNorm take the Java path", why);
            return false;
        }
    }

    /** The address of a dense c-order float array (from its buffer's start), or an error naming it. */
    public static long address(INDArray a, String what) {
        if (a.dataType() != DataType.FLOAT || !DenseArrays.dense(a))
            throw new IllegalArgumentException(what + " must be a dense c-order float array from its buffer's start: " + a.shapeInfoToString());
        return a.data().address();
    }

    public static void shape(INDArray a, String what, long... want) {
        if (!Arrays.equals(a.shape(), want))
            throw new IllegalArgumentException(what + " must be " + Arrays.toString(want) + ", got " + Arrays.toString(a.shape()));
    }

    private static native boolean supported();
}
