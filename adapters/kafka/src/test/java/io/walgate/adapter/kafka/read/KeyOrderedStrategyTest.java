package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.kafka.read.StrategyRig.Outcome;
import io.walgate.adapter.spi.AppendException;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.Ordering;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Ordering KEY, one poll at a time, on a hand-moved clock. */
class KeyOrderedStrategyTest {
    private final StrategyRig rig = new StrategyRig(Ordering.KEY, 3);

    @Test
    void aFailedEntryHoldsBackItsKeyButNotOtherKeys() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));

        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p0, 2, rig.due("a"))));

        assertThat(rig.applied).containsExactly("a", "b");
        assertThat(rig.reappended).as("held in place, not re-appended").isEmpty();
        assertThat(rig.strategy.held()).isEqualTo(2);
        assertThat(rig.committable()).as("the commit stops at the held entry").isEqualTo(Map.of(rig.p0, 0L));
    }

    @Test
    void aHeldKeyIsRetriedWhenTheClockPassesItsBackoffAndThenEverythingCommits() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p0, 2, rig.due("a"))));
        assertThat(rig.strategy.nextRetry()).contains(rig.clock.instant().plusSeconds(1));

        rig.clock.advance(Duration.ofMillis(999));
        rig.strategy.retryHeld();
        assertThat(rig.applied).as("not before its backoff").containsExactly("a", "b");

        rig.clock.advance(Duration.ofMillis(1));
        rig.strategy.retryHeld();
        assertThat(rig.applied).containsExactly("a", "b", "a", "a");
        assertThat(rig.strategy.held()).isZero();
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 3L));
    }

    @Test
    void anotherRegionsDueRetryOfAHeldKeyIsNeitherAppliedNorHeld() {
        rig.script("a", Outcome.retry("E", "1"));
        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a"))));
        assertThat(rig.strategy.held()).as("a is held here").isEqualTo(1);

        rig.deliver(List.of(rig.record(rig.p0, 1, rig.due("a").forRegion("west"))));

        assertThat(rig.applied).containsExactly("a");
        assertThat(rig.strategy.held()).as("west's retry is not held behind it").isEqualTo(1);
    }

    @Test
    void anotherRegionsRetryIsSettledAndHoldsNoKey() {
        Envelope westRetry = rig.dueIn("a", Duration.ofSeconds(5)).forRegion("west");

        rig.deliver(List.of(rig.record(rig.p0, 0, westRetry), rig.record(rig.p0, 1, rig.due("a"))));

        assertThat(rig.applied).containsExactly("a");
        assertThat(rig.reappended).isEmpty();
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
    }

    @Test
    void anEntryOutOfAttemptsIsDeadLetteredAndReleasesItsKey() {
        rig.script("a", Outcome.retry("E", "1"), Outcome.retry("E", "2"), Outcome.retry("E", "3"));
        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a")), rig.record(rig.p0, 1, rig.due("a"))));

        rig.clock.advance(Duration.ofSeconds(1));
        rig.strategy.retryHeld(); // attempt 2
        rig.clock.advance(Duration.ofSeconds(2));
        rig.strategy.retryHeld(); // attempt 3, the last: dead; the second entry goes on

        assertThat(rig.dlq.history())
                .singleElement()
                .satisfies(dead ->
                        assertThat(StrategyRig.header(dead, "walgate-attempts")).isEqualTo("3"));
        assertThat(rig.applied).containsExactly("a", "a", "a", "a");
        assertThat(rig.strategy.held()).isZero();
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
        assertThat(rig.indexed).singleElement().satisfies(i -> {
            assertThat(i.letter().attempts()).isEqualTo(3);
            assertThat(i.letter().firstErrorMessage()).isEqualTo("1");
            assertThat(i.letter().errorMessage()).isEqualTo("3");
            assertThat(i.p0CommittableUpTo())
                    .as("reported before its source (offset 0) may be committed")
                    .isZero();
        });
    }

    @Test
    void entriesOfTheSameKeyInOtherPartitionsAreHeldToo() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));

        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a")), rig.record(rig.p1, 0, rig.due("a"))));

        assertThat(rig.applied).containsExactly("a");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 0L, rig.p1, 0L));
    }

    @Test
    void aPartitionWithTenThousandHeldEntriesStopsBeingReadUntilItsNextRetry() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
        int limit = KeyOrderedStrategy.MAX_HELD_PER_PARTITION;
        for (int offset = 0; offset <= limit; offset++) {
            poll.add(rig.record(rig.p0, offset, rig.due("a")));
        }

        rig.deliver(poll);

        assertThat(rig.strategy.held()).isEqualTo(limit);
        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
        assertThat(rig.consumer.position(rig.p0)).isEqualTo(limit);
        assertThat(rig.pauses.isWaitingForDueTime(rig.p0)).isFalse();
    }

    @Test
    void aDelayedEntryPausesItsPartitionAndNothingBehindItIsRead() {
        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.dueIn("later", Duration.ofMillis(300))),
                rig.record(rig.p0, 1, rig.due("b"))));

        assertThat(rig.applied).isEmpty();
        assertThat(rig.consumer.position(rig.p0)).isEqualTo(0);
        assertThat(rig.pauses.isWaitingForDueTime(rig.p0)).isTrue();
        assertThat(rig.committable()).isEmpty();
    }

    @Test
    void aMoveDownTheLadderTheLogRefusesForNowPausesThePartitionAtItForASecond() {
        String fiveSeconds = KafkaDelayTiers.topicName(rig.namespace.backend().topic(), Duration.ofSeconds(5));
        var record =
                rig.bytes(fiveSeconds, 0, 0, EnvelopeCodec.encode(rig.dueIn("later", Duration.ofMinutes(1))), "later");
        rig.consumer.assign(List.of(new TopicPartition(fiveSeconds, 0)));
        rig.consumer.updateBeginningOffsets(Map.of(new TopicPartition(fiveSeconds, 0), 0L));
        rig.clock.advance(Duration.ofSeconds(5));
        rig.appendFailures.add(new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.UNKNOWN, "down", null));

        rig.deliver(List.of(record));

        TopicPartition tier = new TopicPartition(fiveSeconds, 0);
        assertThat(rig.consumer.paused()).containsExactly(tier);
        assertThat(rig.consumer.position(tier)).isEqualTo(0);
        assertThat(rig.committable()).isEmpty();
        assertThat(rig.pauses.pollTimeout(rig.clock.instant(), Duration.ofMinutes(1), Optional.empty()))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aHandOverNotesWhatWasSettledPastTheHeldEntryAndTheNextOwnerDeliversOnlyTheHeldOnes() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p0, 2, rig.due("a")),
                rig.record(rig.p0, 3, rig.due("c"))));
        String note = rig.strategy.handOverNote(rig.p0, 0, 4).orElseThrow();

        StrategyRig next = new StrategyRig(Ordering.KEY, 3);
        next.strategy.resumeFrom(next.p0, new OffsetAndMetadata(0, note));
        next.deliver(List.of(
                next.record(next.p0, 0, next.due("a")),
                next.record(next.p0, 1, next.due("b")),
                next.record(next.p0, 2, next.due("a")),
                next.record(next.p0, 3, next.due("c")),
                next.record(next.p0, 4, next.due("d"))));

        assertThat(next.applied).as("b and c were applied before the hand-over").containsExactly("a", "a", "d");
        assertThat(next.committable()).isEqualTo(Map.of(next.p0, 5L));
    }

    @Test
    void aCommitWithoutANoteDeliversEverythingFromIt() {
        rig.strategy.resumeFrom(rig.p0, new OffsetAndMetadata(0, "written by someone else"));
        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a")), rig.record(rig.p0, 1, rig.due("b"))));

        assertThat(rig.applied).containsExactly("a", "b");
    }
}
