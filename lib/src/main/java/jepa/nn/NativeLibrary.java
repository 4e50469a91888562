package jepa.nn;

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
 * The project's native kernels (src/main/c, AVX2 + FMA: {@link NativeConvolution}, {@link NativeGru},
 * {@link NativeBatchNorm}): one library, built by gcc into the jar for linux-x86_64, loaded from the class path on
 * first use. Elsewhere, when it was built without gcc, or on a CPU without AVX2 and FMA, {@link #available()} is false
 * and the callers keep their Java + OpenBLAS paths. The system property jepa.native=false switches the kernels off
 * (benchmarks compare the two paths with it).
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String LIBRARY = "/native/linux-x86_64/libjepa.so";
    private static final boolean LOADED = load();

    private NativeLibrary() {}

    /** Whether the kernels run here: library loaded, AVX2 + FMA, not switched off. */
    static boolean available() { return LOADED && !"false".equals(System.getProperty("jepa.native")); }

    private static boolean load() {
        boolean linuxX86 = "Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"));
        if (!linuxX86) return false;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(LIBRARY)) {
            if (in == null) {
                LOG.warn("{} is not on the class path (built without gcc?): convolutions, GRU and BatchNorm take the Java path", LIBRARY);
                return false;
            }
            Path file = Files.createTempFile("libjepa", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toString());
            boolean cpu = supported();
            if (!cpu) LOG.info("this CPU lacks AVX2/FMA: convolutions, GRU and BatchNorm take the Java path");
            return cpu;
        } catch (IOException | UnsatisfiedLinkError e) {
            LOG.warn("could not load {}: convolutions, GRU and BatchNorm take the Java path ({})", LIBRARY, e.toString());
            return false;
        }
    }

    /** The address of a dense c-order float array (from its buffer's start), or an error naming it. */
    static long address(INDArray a, String what) {
        if (a.dataType() != DataType.FLOAT || !DenseArrays.dense(a))
            throw new IllegalArgumentException(what + " must be a dense c-order float array from its buffer's start: " + a.shapeInfoToString());
        return a.data().address();
    }

    static void shape(INDArray a, String what, long... want) {
        if (!Arrays.equals(a.shape(), want))
            throw new IllegalArgumentException(what + " must be " + Arrays.toString(want) + ", got " + Arrays.toString(a.shape()));
    }

    private static native boolean supported();
}
