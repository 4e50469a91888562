package jepa.train;

import jepa.config.JepaConfig;
import jepa.data.Batch;
import jepa.data.BatchAssembler;
import jepa.data.BatchSource;
import jepa.world.MovingDots;
import jepa.world.ImageMoments;
import jepa.world.MovingDotWorld;
import jepa.world.Normalization;
import jepa.world.Split;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** Real moving-dot sequences, a few batches of them, as a Trainer batch source for tests. */
final class TinyWorld implements BatchSource {
    final JepaConfig cfg;
    final BatchAssembler assembler;
    final List<BatchAssembler.Stored> seqs = new ArrayList<>();
    final int batch;

    TinyWorld(int n, int batch, String... overrides) {
        List<String> o = new ArrayList<>(List.of(overrides));
        cfg = JepaConfig.load(null, o);
        this.batch = batch;
        MovingDotWorld w = MovingDotWorld.of(cfg.world(), cfg.noise(), Split.TRAIN);
        ImageMoments m = new ImageMoments(MovingDots.of(cfg.world()).dots());
        for (int i = 0; i < n; i++) {
            MovingDotWorld.Sequence s = w.generate(7, Split.TRAIN, i);
            m.add(s.frames(), 28 * 28);
            seqs.add(new BatchAssembler.Stored(i, s.frames(), s.locations(), s.actions()));
        }
        Normalization norm = Normalization.estimate(List.of(m), cfg.world());
        assembler = new BatchAssembler(norm, cfg.world());
    }

    @Override public int batchesPerEpoch() { return seqs.size() / batch; }

    @Override
    public Iterator<Batch> epoch(int epoch) {
        List<BatchAssembler.Stored> order = new ArrayList<>(seqs);
        java.util.Collections.shuffle(order, new Random(epoch));
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i + batch <= order.size(); i += batch) out.add(assembler.assemble(order.subList(i, i + batch)));
        return out.iterator();
    }

    @Override public Batch diagnosticsBatch() { return assembler.assemble(seqs.subList(0, batch)); }
}
