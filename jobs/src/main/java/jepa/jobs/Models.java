package jepa.jobs;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A model zip shipped as bytes (broadcast) and restored where the data is, without the updater state. */
final class Models {
    private Models() {}

    static ComputationGraph restore(byte[] zip) {
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
