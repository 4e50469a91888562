package jepa.nn;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * Named variables of a SameDiff graph as one flat double vector (in the given order), so that an optimiser, gradient
 * clipping and an EMA can work on plain arrays: read the values out, write new values in, flatten a gradient map.
 */
public final class SameDiffParams {
    private final SameDiff sd;
    private final List<String> names;
    private final int[] offsets;
    private final int size;

    public SameDiffParams(SameDiff sd, List<String> names) {
        this.sd = sd;
        this.names = List.copyOf(names);
        this.offsets = new int[names.size() + 1];
        for (int i = 0; i < names.size(); i++) {
            INDArray a = sd.getVariable(names.get(i)).getArr();
            offsets[i + 1] = Math.addExact(offsets[i], Math.toIntExact(a.length()));
        }
        this.size = offsets[names.size()];
    }

    public List<String> names() { return names; }

    public int size() { return size; }

    /** The current values, flat. */
    public double[] read() {
        double[] out = new double[size];
        for (int i = 0; i < names.size(); i++) {
            double[] v = sd.getVariable(names.get(i)).getArr().dup('c').data().asDouble();
            System.arraycopy(v, 0, out, offsets[i], v.length);
        }
        return out;
    }

    /** Sets every variable from the flat vector (cast to the graph's type). */
    public void write(double[] values) {
        if (values.length != size) throw new IllegalArgumentException("expected " + size + " values, got " + values.length);
        for (int i = 0; i < names.size(); i++) {
            INDArray a = sd.getVariable(names.get(i)).getArr();
            double[] part = java.util.Arrays.copyOfRange(values, offsets[i], offsets[i + 1]);
            a.assign(Nd4j.create(part, a.shape(), DataType.DOUBLE).castTo(a.dataType()));
        }
    }

    /** A gradient map (name → array, as calculateGradients returns) flattened in this order; a missing name is an error. */
    public double[] flatten(Map<String, INDArray> gradients) {
        double[] out = new double[size];
        for (int i = 0; i < names.size(); i++) {
            INDArray g = gradients.get(names.get(i));
            if (g == null) throw new IllegalStateException("no gradient for " + names.get(i));
            double[] v = g.dup('c').data().asDouble();
            System.arraycopy(v, 0, out, offsets[i], v.length);
        }
        return out;
    }
}
