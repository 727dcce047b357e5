package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PausesTest {
    private static final TopicPartition P0 = new TopicPartition("wal.orders", 0);
    private static final TopicPartition P1 = new TopicPartition("wal.orders", 1);
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration MAX = Duration.ofMillis(200);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
    private final Pauses pauses = new Pauses(consumer);

    PausesTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 20);
        consumer.seek(P1, 20);
    }

    @Test
    void aPausedPartitionIsReadAgainFromTheRecordItStoppedAt() {
        pauses.pause(P0, 7, NOW.plusSeconds(1));

        assertThat(consumer.paused()).containsExactly(P0);
        assertThat(consumer.position(P0)).isEqualTo(7);
        assertThat(pauses.isPaused(P0)).isTrue();
        assertThat(pauses.isWaitingForDueTime(P0))
                .as("a failure's pause is no wait")
                .isFalse();
    }

    @Test
    void aPartitionResumesWhenItsTimeComesNotBefore() {
        pauses.waitForDueTime(P0, 7, NOW.plusSeconds(5));

        pauses.resumeDue(NOW.plusMillis(4_999));
        assertThat(consumer.paused()).containsExactly(P0);
        assertThat(pauses.isWaitingForDueTime(P0)).isTrue();

        pauses.resumeDue(NOW.plusSeconds(5));
        assertThat(consumer.paused()).isEmpty();
        assertThat(pauses.isPaused(P0)).isFalse();
        assertThat(pauses.isWaitingForDueTime(P0)).isFalse();
        assertThat(consumer.position(P0)).isEqualTo(7);
    }

    @Test
    void thePollWaitsNoLongerThanTheEarliestResumeOrRetry() {
        assertThat(pauses.pollTimeout(NOW, MAX, Optional.empty())).isEqualTo(MAX);

        pauses.waitForDueTime(P0, 7, NOW.plusMillis(120));
        pauses.pause(P1, 3, NOW.plusSeconds(1));
        assertThat(pauses.pollTimeout(NOW, MAX, Optional.empty())).isEqualTo(Duration.ofMillis(120));
        assertThat(pauses.pollTimeout(NOW, MAX, Optional.of(NOW.plusMillis(50))))
                .isEqualTo(Duration.ofMillis(50));
        assertThat(pauses.pollTimeout(NOW.plusSeconds(2), MAX, Optional.empty()))
                .as("overdue")
                .isZero();
    }

    @Test
    void aPartitionLostInARebalanceIsNotResumed() {
        pauses.pause(P0, 7, NOW.plusSeconds(1));
        pauses.pause(P1, 7, NOW.plusSeconds(1));
        consumer.assign(List.of(P1)); // P0 went to another worker

        pauses.resumeDue(NOW.plusSeconds(1));

        // A real consumer throws when asked to resume a partition it does not own; the mock keeps
        // what was paused, so what is left shows what was not resumed.
        assertThat(consumer.paused()).as("resumed P1 only").containsExactly(P0);
        assertThat(pauses.isPaused(P0)).as("and forgot P0").isFalse();
    }

    @Test
    void aForgottenPartitionIsNeitherPausedNorWaiting() {
        pauses.waitForDueTime(P0, 7, NOW.plusSeconds(5));

        pauses.forget(List.of(P0));

        assertThat(pauses.isPaused(P0)).isFalse();
        assertThat(pauses.isWaitingForDueTime(P0)).isFalse();
        assertThat(pauses.pollTimeout(NOW, MAX, Optional.empty())).isEqualTo(MAX);
    }

    @Test
    void aQuietPartitionIsFetchedAgainOnlyWhenItsEndMovesOrCannotBeTold() {
        assertThat(pauses.quieten(P0, 20)).isTrue();
        assertThat(consumer.paused()).containsExactly(P0);

        assertThat(pauses.lookedAt(P0, 20L, true))
                .as("still ends where it rests")
                .isTrue();
        assertThat(consumer.paused()).containsExactly(P0);

        assertThat(pauses.lookedAt(P0, 21L, true)).isFalse();
        assertThat(consumer.paused()).isEmpty();
        assertThat(pauses.isFetched(P0)).isTrue();

        assertThat(pauses.quieten(P1, 20)).isTrue();
        assertThat(pauses.lookedAt(P1, null, true)).as("when in doubt, fetch").isFalse();
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void aWokenPartitionIsNotQuietenedAgainBeforeItWasReadToTheEndThatWokeIt() {
        pauses.quieten(P0, 20);
        pauses.lookedAt(P0, 23L, true);

        // The consumer still believes the end it saw before the pause: lag 0 at 20.
        assertThat(pauses.quieten(P0, 20)).isFalse();
        assertThat(consumer.paused()).isEmpty();

        assertThat(pauses.quieten(P0, 23)).isTrue();
        assertThat(consumer.paused()).containsExactly(P0);
    }

    @Test
    void aQuietPartitionWokenWhileItsDeliveryReadsNothingStaysPausedButIsNoLongerQuiet() {
        pauses.quieten(P0, 20);

        assertThat(pauses.lookedAt(P0, 21L, false)).isFalse();

        assertThat(consumer.paused()).as("its delivery waits for a rewind").containsExactly(P0);
        assertThat(pauses.isQuiet(P0)).isFalse();
    }

    @Test
    void aQuietPartitionIsNotResumedByAHoldsReleaseOrAnExpiredPause() {
        pauses.quieten(P0, 20);
        pauses.hold(P0);
        pauses.release(P0);
        assertThat(consumer.paused()).containsExactly(P0);
    }
}
