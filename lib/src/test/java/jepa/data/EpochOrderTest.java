package jepa.data;

import jepa.config.JepaConfig;
import jepa.method.Methods;
import jepa.settings.ConfigError;
import jepa.train.RunProtocol;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

class EpochOrderTest {

    @Test
    void freshEpochsReadDisjointBlocksEachPermuted() {
        EpochOrder o = new EpochOrder(7, 12, 4, 3);
        for (int e = 0; e < 3; e++) {
            long[] ids = o.ids(e);
            long[] sorted = ids.clone();
            Arrays.sort(sorted);
            assertArrayEquals(LongStream.range(4L * e, 4L * e + 4).toArray(), sorted, "epoch " + e + " reads block " + e);
        }
        EpochOrder whole = new EpochOrder(7, 64, 0, 3);
        assertEquals(64, whole.count());
        assertFalse(Arrays.equals(whole.ids(0), whole.ids(1)), "a new permutation every epoch");
    }

    @Test
    void aSplitTooSmallForFreshEpochsNamesTheKeys() {
        ConfigError e = assertThrows(ConfigError.class, () -> new EpochOrder(1, 10, 4, 3));
        assertTrue(e.getMessage().contains("train.sequences-per-epoch") && e.getMessage().contains("dataset.train"), e.getMessage());
    }

    @Test
    void aCyclingOrderReadsItsBlocksInTurnInNewPermutations() {
        EpochOrder o = new EpochOrder(3, 10, 4, 5, true);          // two whole blocks; ids 8 and 9 are never read
        assertEquals(List.of(0L, 4L, 0L, 4L, 0L), LongStream.range(0, 5).mapToObj(e -> o.first((int) e)).toList());
        long[] a = o.ids(0), b = o.ids(2);
        assertFalse(Arrays.equals(a, b), "the same block, another order");
        Arrays.sort(a);
        Arrays.sort(b);
        assertArrayEquals(a, b);
    }

    @Test
    void supervisedReadsTheFreshSequencesPerEpochOfProbeTrainAsTheReferenceProbe() {
        // paper scale: 100 epochs of 10k over 300k probe-train (the reference: 100 epochs of ~10k fresh sequences)
        JepaConfig paper = JepaConfig.load(null, List.of("method.name=supervised", "dataset.probe-train=300000", "dataset.train=1000000",
                "train.epochs=100", "train.sequences-per-epoch=10000"));
        EpochOrder o = RunProtocol.order(paper, Methods.create(paper.method()));
        assertEquals(10_000, o.count());
        assertEquals(0, o.first(30), "30 blocks, read in turn");
        assertEquals(10_000, o.first(31));
        // quick scale: probe-train (1,024) smaller than an epoch's 2,048: all of it every epoch
        JepaConfig quick = JepaConfig.load(null, List.of("method.name=supervised", "dataset.probe-train=1024", "dataset.train=12288",
                "train.epochs=6", "train.warmup-epochs=1", "train.sequences-per-epoch=2048"));
        EpochOrder q = RunProtocol.order(quick, Methods.create(quick.method()));
        assertEquals(1024, q.count());
        assertEquals(0, q.first(5));
        // VICReg reads fresh training sequences
        JepaConfig vicreg = quick.with(List.of("method.name=vicreg"));
        assertEquals(2048 * 5, RunProtocol.order(vicreg, Methods.create(vicreg.method())).first(5));
    }
}
