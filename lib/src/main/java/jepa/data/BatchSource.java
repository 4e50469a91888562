package jepa.data;

import java.util.Iterator;

/**
 * Where a training run's batches come from: a generator stream (a sweep task), a Parquet split (the train job) or
 * arrays (tests). Every source visits an epoch in {@link EpochOrder}'s order, so the same config gives the same
 * batches whichever job trains it. Every batch, the diagnostics batch included, must have train.batch-size
 * sequences: once DL4J has back-propagated through a SameDiff vertex at one batch size, that graph instance fails on
 * any other. Inference at other sizes works on a freshly loaded model, which is what probing uses.
 */
public interface BatchSource {
    int batchesPerEpoch();

    /** The batches of one epoch (0-based). */
    Iterator<Batch> epoch(int epoch);

    /** A fixed batch for the per-checkpoint diagnostics and the collapse check: the split's first sequences by id. */
    Batch diagnosticsBatch();
}
