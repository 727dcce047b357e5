package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SettledAboveTest {
    @Test
    void aNoteReadBackSkipsWhatWasSettledAndNothingHeldOrBeyond() {
        SettledAbove settled = new SettledAbove(1_000_000, 1_000_120, new TreeSet<>(List.of(1_000_000L, 1_000_007L)));

        SettledAbove read =
                SettledAbove.of(1_000_000, settled.note().orElseThrow()).orElseThrow();

        assertThat(read).isEqualTo(settled);
        assertThat(read.skips(1_000_000)).as("held").isFalse();
        assertThat(read.skips(1_000_001)).isTrue();
        assertThat(read.skips(1_000_007)).as("held").isFalse();
        assertThat(read.skips(1_000_119)).isTrue();
        assertThat(read.skips(1_000_120)).as("never settled").isFalse();
        assertThat(read.skips(999_999)).as("before the commit").isFalse();
    }

    @Test
    void aNoteMovedToAnotherOffsetWithItsCommitSaysNothing() {
        String note = new SettledAbove(1_000, 1_050, new TreeSet<>(List.of(1_000L)))
                .note()
                .orElseThrow();

        assertThat(SettledAbove.of(990, note))
                .as("MirrorMaker translated the offset, kept the metadata")
                .isEmpty();
    }

    @Test
    void tooManyHeldEntriesToNoteLeaveNoNoteAndEverythingIsDeliveredAgain() {
        SortedSet<Long> held = new TreeSet<>();
        LongStream.range(0, 10_000).map(i -> i * 1_000).forEach(held::add);

        assertThat(new SettledAbove(0, 20_000_000, held).note()).isEmpty();
    }

    @Test
    void metadataThatIsNoNoteOfOursIsIgnored() {
        assertThat(SettledAbove.of(5, "")).isEmpty();
        assertThat(SettledAbove.of(5, null)).isEmpty();
        assertThat(SettledAbove.of(5, "walgate.settled.v2:5:zz!:1")).isEmpty();
    }
}
