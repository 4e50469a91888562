package jepa.method;

import jepa.data.Batch;
import jepa.probe.ProbeData;

/** What a probe sees of a batch: representations [n, steps, D] and the dots' positions at the same steps. */
public interface ProbeView extends java.io.Serializable {
    ProbeData of(JepaNetwork net, Batch b);

    /** The rollout (index 0 = frame 1's encoding, then the GRU's predictions), or targets only for a baseline (null net). */
    ProbeView ROLLOUT = (net, b) -> net != null ? net.probeData(b) : ProbeData.targetsOnly(b.probeTargets());
}
