package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.kafka.read.StrategyRig.Outcome;
import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.Ordering;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Ordering NONE, one poll at a time, on a hand-moved clock. */
class UnorderedStrategyTest {
    private final StrategyRig rig = new StrategyRig(Ordering.NONE, 3);

    @Test
    void eachPartitionsDueEntriesOfAPollAreAppliedTogetherInLogOrderAndThenSettled() {
        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p1, 0, rig.due("c"))));

        assertThat(rig.batches).containsExactly(2, 1);
        assertThat(rig.applied).containsExactly("a", "b", "c");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L, rig.p1, 1L));
    }

    @Test
    void aPartitionStopsAtItsFirstEntryNotYetDueAndWaitsThereWhileOthersFlow() {
        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.dueIn("later", Duration.ofMillis(500))),
                rig.record(rig.p0, 2, rig.due("behind")),
                rig.record(rig.p1, 0, rig.due("c"))));

        assertThat(rig.applied).containsExactly("a", "c");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 1L, rig.p1, 1L));
        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
        assertThat(rig.consumer.position(rig.p0)).isEqualTo(1);
        assertThat(rig.pauses.isWaitingForDueTime(rig.p0)).isTrue();

        rig.clock.advance(Duration.ofMillis(499));
        rig.pauses.resumeDue(rig.clock.instant());
        assertThat(rig.consumer.paused()).as("never early").containsExactly(rig.p0);
        rig.clock.advance(Duration.ofMillis(1));
        rig.pauses.resumeDue(rig.clock.instant());
        assertThat(rig.consumer.paused()).isEmpty();
    }

    @Test
    void anEntryReleasedFromItsTierButNotYetDueMovesDownTheLadderUnapplied() {
        String fiveSeconds = KafkaDelayTiers.topicName(rig.namespace.backend().topic(), Duration.ofSeconds(5));
        Envelope inAMinute = rig.dueIn("later", Duration.ofMinutes(1));
        Envelope westsCopy = rig.dueIn("west", Duration.ofMinutes(1)).forRegion("west");
        var record = rig.bytes(fiveSeconds, 0, 0, EnvelopeCodec.encode(inAMinute), "later");
        var west = rig.bytes(fiveSeconds, 0, 1, EnvelopeCodec.encode(westsCopy), "west");
        rig.clock.advance(Duration.ofSeconds(5));

        rig.deliver(List.of(record, west));

        assertThat(rig.applied).isEmpty();
        assertThat(rig.reappended)
                .as("every region reads the tier: each moves its own copy, and only its own, so copies never multiply")
                .containsExactly(inAMinute.forRegion("local"));
        assertThat(rig.committable()).containsEntry(new TopicPartition(fiveSeconds, 0), 2L);
    }

    @Test
    void aTransientFailureIsReappendedWithTheNextAttemptDueAfterItsBackoffAndTheRestFlowsOn() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));

        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a")), rig.record(rig.p0, 1, rig.due("b"))));

        assertThat(rig.applied).containsExactly("a", "b");
        assertThat(rig.reappended).singleElement().satisfies(again -> {
            assertThat(again.target().key()).isEqualTo("a");
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.deliverAt()).isEqualTo(rig.clock.instant().plusSeconds(1)); // no jitter drawn
            assertThat(again.history().lastErrorCode()).isEqualTo("HTTP_503");
        });
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithItsHistoryInHeaders() {
        rig.script("a", Outcome.permanent("HTTP_400", "no such table"));

        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a"))));

        assertThat(rig.dlq.history()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo(rig.namespace.backend().topic() + ".dlq");
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("a");
            assertThat(StrategyRig.header(dead, "walgate-error-code")).isEqualTo("HTTP_400");
            assertThat(StrategyRig.header(dead, "walgate-attempts")).isEqualTo("1");
            assertThat(EnvelopeCodec.decode(dead.value()).history().lastErrorMessage())
                    .isEqualTo("no such table");
        });
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 1L));
    }

    @Test
    void aDeadLetterIsReportedWithWhereItSitsBeforeItsSourceIsSettled() {
        rig.script("a", Outcome.permanent("HTTP_400", "no such table"));
        Envelope a = rig.due("a");

        rig.deliver(List.of(rig.record(rig.p0, 0, a)));

        assertThat(rig.indexed).singleElement().satisfies(i -> {
            assertThat(i.letter().entryId()).isEqualTo(a.id().toString());
            assertThat(i.letter().targetKey()).isEqualTo("a");
            assertThat(i.letter().errorCode()).isEqualTo("HTTP_400");
            assertThat(i.letter().attempts()).isEqualTo(1);
            assertThat(i.letter().at())
                    .isEqualTo(DeadLettered.Place.kafka(rig.namespace.backend().topic() + ".dlq", 0, 0));
            assertThat(i.p0CommittableUpTo())
                    .as("reported before its source (offset 0) may be committed")
                    .isZero();
        });
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 1L));
    }

    @Test
    void anotherRegionsDueRetryIsNotAppliedHere() {
        rig.deliver(
                List.of(rig.record(rig.p0, 0, rig.due("a").forRegion("west")), rig.record(rig.p0, 1, rig.due("b"))));

        assertThat(rig.applied).containsExactly("b");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
    }

    @Test
    void anotherRegionsRetryIsSettledNeitherAppliedNorMovedNorWaitedFor() {
        Envelope westRetry = rig.dueIn("a", Duration.ofSeconds(5)).forRegion("west");

        rig.deliver(List.of(rig.record(rig.p0, 0, westRetry), rig.record(rig.p0, 1, rig.due("b"))));

        assertThat(rig.applied).containsExactly("b");
        assertThat(rig.reappended).isEmpty();
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
    }

    @Test
    void aDeadLetterTheBrokerRefusedIsNotReported() {
        rig.script("a", Outcome.permanent("HTTP_400", "no such table"));
        rig.dlq.sendException = new IllegalStateException("broker says no");

        assertThatThrownBy(() -> rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a")))));

        assertThat(rig.indexed).isEmpty();
    }

    @Test
    void theLastAllowedAttemptGoesToTheDlqNotBackToTheLog() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        Envelope third = rig.due("a").retryAt(rig.clock.instant()).retryAt(rig.clock.instant());

        rig.deliver(List.of(rig.record(rig.p0, 0, third)));

        assertThat(rig.reappended).isEmpty();
        assertThat(rig.dlq.history())
                .singleElement()
                .satisfies(dead ->
                        assertThat(StrategyRig.header(dead, "walgate-attempts")).isEqualTo("3"));
    }

    @Test
    void aRecordThatIsNoEnvelopeIsDeadLetteredAsItIsAndItsNeighboursApplied() {
        byte[] garbage = "not an envelope".getBytes(StandardCharsets.UTF_8);

        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.bytes(rig.p0.topic(), 0, 1, garbage, "x"),
                rig.record(rig.p0, 2, rig.due("b"))));

        assertThat(rig.applied).containsExactly("a", "b");
        assertThat(rig.dlq.history()).singleElement().satisfies(dead -> {
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(StrategyRig.header(dead, "walgate-error-code")).isEqualTo("MALFORMED_ENVELOPE");
        });
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 3L));
    }

    @Test
    void aRetryTheLogRefusesForGoodIsDeadLetteredAsRetryRefused() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        rig.appendFailures.add(new AppendException(ErrorCode.PAYLOAD_TOO_LARGE, Durability.FALSE, "too large", null));

        rig.deliver(List.of(rig.record(rig.p0, 0, rig.due("a"))));

        assertThat(rig.dlq.history())
                .singleElement()
                .satisfies(dead -> assertThat(StrategyRig.header(dead, "walgate-error-code"))
                        .isEqualTo("RETRY_REFUSED"));
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 1L));
    }

    @Test
    void aFailedReappendIsRetriedOnItsOwnWithoutReapplyingTheEntriesBehindIt() {
        rig.script("b", Outcome.retry("HTTP_503", "busy"));
        rig.appendFailures.add(new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.UNKNOWN, "down", null));

        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p0, 2, rig.due("c")),
                rig.record(rig.p1, 0, rig.due("d"))));

        assertThat(rig.applied).containsExactly("a", "b", "c", "d");
        assertThat(rig.consumer.paused()).as("the partition flows on").isEmpty();
        assertThat(rig.committable()).as("but is not committed past b").isEqualTo(Map.of(rig.p0, 1L, rig.p1, 1L));
        assertThat(rig.strategy.nextRetry()).contains(rig.clock.instant().plusSeconds(1));

        rig.clock.advance(Duration.ofMillis(999));
        rig.strategy.retryHeld();
        assertThat(rig.reappended).as("not before its time").isEmpty();

        rig.clock.advance(Duration.ofMillis(1));
        rig.strategy.retryHeld();
        assertThat(rig.reappended).singleElement().satisfies(again -> {
            assertThat(again.target().key()).isEqualTo("b");
            assertThat(again.attempt()).isEqualTo(2);
        });
        assertThat(rig.applied).as("nothing applied twice").containsExactly("a", "b", "c", "d");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 3L, rig.p1, 1L));
    }

    @Test
    void aLogThatIsDownIsTriedOncePerSecondNotOncePerEntry() {
        for (String key : List.of("a", "b", "c")) {
            rig.script(key, Outcome.retry("HTTP_503", "busy"));
        }
        rig.logDown = true;

        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p1, 0, rig.due("c"))));
        assertThat(rig.appendCalls)
                .as("the first send fails (after waiting up to max.block.ms): the log rests, the rest wait pending")
                .isEqualTo(1);
        assertThat(rig.strategy.held()).isEqualTo(3);

        rig.logDown = false;
        rig.clock.advance(Duration.ofSeconds(1));
        rig.strategy.retryHeld();

        assertThat(rig.reappended).extracting(e -> e.target().key()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L, rig.p1, 1L));
    }

    @Test
    void aBatchsDeadLettersGoTogetherAndThenItsRetriesTogether() {
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        rig.script("b", Outcome.permanent("HTTP_400", "bad"));
        rig.script("c", Outcome.retry("HTTP_503", "busy"));
        int sentBefore = rig.dlq.history().size();

        rig.deliver(List.of(
                rig.record(rig.p0, 0, rig.due("a")),
                rig.record(rig.p0, 1, rig.due("b")),
                rig.record(rig.p0, 2, rig.due("c"))));

        assertThat(rig.reappended).extracting(e -> e.target().key()).containsExactly("a", "c");
        assertThat(rig.dlq.history().size() - sentBefore).isEqualTo(1);
        assertThat(rig.sendOrder)
                .as("the dead letters, then every re-append before the first wait for one")
                .startsWith("dlq b", "append a", "append c", "wait");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 3L));
    }

    @Test
    void aPartitionStoppedByAFailureIsNotCountedAsWaitingForADueTime() {
        rig.logDown = true;
        List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
        for (int offset = 1; offset <= PendingReappends.MAX_PER_PARTITION + 1; offset++) {
            String key = "k" + offset;
            rig.script(key, Outcome.retry("HTTP_503", "busy"));
            poll.add(rig.record(rig.p0, offset, rig.due(key)));
        }
        poll.add(rig.record(rig.p0, PendingReappends.MAX_PER_PARTITION + 2, rig.dueIn("later", Duration.ofSeconds(5))));

        rig.deliver(poll);

        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
        assertThat(rig.pauses.isWaitingForDueTime(rig.p0))
                .as("stalled by the log, not waiting")
                .isFalse();
    }

    @Test
    void aPartitionWithAThousandPendingReappendsStopsBeingReadForASecond() {
        List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
        int limit = PendingReappends.MAX_PER_PARTITION;
        for (int offset = 0; offset <= limit; offset++) {
            String key = "k" + offset;
            rig.script(key, Outcome.retry("HTTP_503", "busy"));
            rig.appendFailures.add(
                    new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.UNKNOWN, "down", null));
            poll.add(rig.record(rig.p0, offset, rig.due(key)));
        }

        rig.deliver(poll);

        assertThat(rig.strategy.held()).isEqualTo(limit);
        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
        assertThat(rig.consumer.position(rig.p0)).isEqualTo(limit);
        assertThat(rig.pauses.isWaitingForDueTime(rig.p0))
                .as("a failure, not a wait")
                .isFalse();
    }

    @Test
    void aDeadLetterTheBrokerRefusesFailsThePollAndNothingPastItIsSettledNorSent() {
        rig.script("b", Outcome.permanent("HTTP_400", "bad"));
        rig.script("c", Outcome.retry("HTTP_503", "busy"));
        rig.script("a", Outcome.retry("HTTP_503", "busy"));
        rig.dlq.sendException = new IllegalStateException("broker says no");

        assertThatThrownBy(() -> rig.deliver(List.of(
                        rig.record(rig.p0, 0, rig.due("a")),
                        rig.record(rig.p0, 1, rig.due("b")),
                        rig.record(rig.p0, 2, rig.due("c")))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dead-letter topic");

        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 1L));
        assertThat(rig.reappended)
                .as("a's retry, before the dead letter, went back; c's, behind it, is read again, not sent twice")
                .extracting(e -> e.target().key())
                .containsExactly("a");
        assertThat(rig.consumer.paused()).as("not left held").doesNotContain(rig.p0);
    }
}
