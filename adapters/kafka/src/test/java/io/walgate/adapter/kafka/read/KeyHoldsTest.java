package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.WriteRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KeyHoldsTest {
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final TopicPartition P0 = new TopicPartition("wal.x", 0);
    private static final TopicPartition P1 = new TopicPartition("wal.x", 1);

    private static KeyHolds.Held held(TopicPartition p, long offset, String key) {
        WriteRequest request =
                new WriteRequest("x", Lifecycle.immediate(), new byte[0], null, key, null, Map.of(), "text/plain");
        return new KeyHolds.Held(p, offset, key.getBytes(), Envelope.accept(request, IDS.next(), T0, T0, null));
    }

    @Test
    void aFailedEntryHoldsBackItsKeyOnlyAndCapsTheCommittableOffset() {
        KeyHolds holds = new KeyHolds();
        holds.holdFailed("a", held(P0, 5, "a"), T0.plusSeconds(2));
        holds.holdBehind("a", held(P0, 7, "a"));

        assertThat(holds.blocks("a")).isTrue();
        assertThat(holds.blocks("b")).isFalse();
        assertThat(holds.blocks(null)).as("entries without a key never wait").isFalse();
        assertThat(holds.firstHeldOffset(P0)).hasValue(5);
        assertThat(holds.firstHeldOffset(P1)).isEmpty();
        assertThat(holds.dueKeys(T0.plusSeconds(1))).isEmpty();
        assertThat(holds.dueKeys(T0.plusSeconds(2))).containsExactly("a");
        assertThat(holds.nextRetry()).hasValue(T0.plusSeconds(2));
    }

    @Test
    void releasingTheHeadMakesTheNextOneDueAtOnceInReadOrder() {
        KeyHolds holds = new KeyHolds();
        holds.holdFailed("a", held(P0, 5, "a"), T0.plusSeconds(2));
        holds.holdBehind("a", held(P0, 7, "a"));
        holds.holdBehind("a", held(P1, 3, "a"));

        holds.release("a", T0.plusSeconds(2));
        assertThat(holds.head("a")).get().extracting(KeyHolds.Held::offset).isEqualTo(7L);
        assertThat(holds.dueKeys(T0.plusSeconds(2))).containsExactly("a");
        assertThat(holds.firstHeldOffset(P0)).hasValue(7);

        holds.release("a", T0.plusSeconds(2));
        holds.release("a", T0.plusSeconds(2));
        assertThat(holds.blocks("a")).as("nothing held: the key flows again").isFalse();
        assertThat(holds.firstHeldOffset(P0)).isEmpty();
        assertThat(holds.firstHeldOffset(P1)).isEmpty();
        assertThat(holds.size()).isZero();
    }

    @Test
    void aHeadThatFailsAgainKeepsItsPlaceWithItsNewRetryTime() {
        KeyHolds holds = new KeyHolds();
        KeyHolds.Held first = held(P0, 5, "a");
        holds.holdFailed("a", first, T0.plusSeconds(1));
        holds.holdBehind("a", held(P0, 6, "a"));

        Envelope again = first.entry().retryAt(T0.plusSeconds(9));
        holds.retryHead("a", again, T0.plusSeconds(9));

        assertThat(holds.head("a")).get().extracting(KeyHolds.Held::entry).isEqualTo(again);
        assertThat(holds.dueKeys(T0.plusSeconds(5))).isEmpty();
        assertThat(holds.firstHeldOffset(P0)).hasValue(5);
    }

    @Test
    void droppingARevokedPartitionForgetsItsEntriesAndTriesWhatRemainsOfTheirKeys() {
        KeyHolds holds = new KeyHolds();
        holds.holdFailed("a", held(P0, 5, "a"), T0.plusSeconds(60));
        holds.holdBehind("a", held(P1, 2, "a"));
        holds.holdFailed("b", held(P0, 6, "b"), T0.plusSeconds(60));

        holds.drop(List.of(P0));

        assertThat(holds.blocks("b")).isFalse();
        assertThat(holds.firstHeldOffset(P0)).isEmpty();
        assertThat(holds.head("a")).get().extracting(KeyHolds.Held::offset).isEqualTo(2L);
        assertThat(holds.dueKeys(T0)).containsExactly("a");
        assertThat(holds.heldIn(P1)).isEqualTo(1);
    }
}
