package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.spi.TestEntries;
import io.walgate.contract.entry.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DelayLadderTest {
    private static final String LOG = "wal.orders";
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private final DelayLadder ladder = new DelayLadder(LOG);

    @Test
    void aNamespaceIsReadFromItsLogAndEveryTier() {
        assertThat(ladder.topics()).isEqualTo(KafkaDelayTiers.deliveredTopics(LOG));
    }

    @Test
    void aDueEntryIsAppliedWhereverItIs() {
        Envelope due = TestEntries.dueAt(NOW);

        assertThat(ladder.step(record(LOG, NOW.minusSeconds(5)), due, NOW)).isInstanceOf(DelayLadder.Step.Apply.class);
        assertThat(ladder.step(record(tier(30), NOW.minusSeconds(1)), due, NOW))
                .isInstanceOf(DelayLadder.Step.Apply.class);
    }

    @Test
    void anEntryInATierIsReleasedExactlyTheTierLengthAfterItsAppend() {
        Instant appended = NOW.minusSeconds(10);
        Envelope inAnHour = TestEntries.dueAt(NOW.plus(Duration.ofHours(1)));

        assertThat(ladder.step(record(tier(30), appended), inAnHour, NOW))
                .isEqualTo(new DelayLadder.Step.Wait(appended.plusSeconds(30)));
    }

    @Test
    void aReleasedEntryNotYetDueMovesDownTheLadder() {
        Envelope inAnHour = TestEntries.dueAt(NOW.plus(Duration.ofHours(1)));

        assertThat(ladder.step(record(tier(30), NOW.minusSeconds(30)), inAnHour, NOW))
                .isInstanceOf(DelayLadder.Step.Move.class);
    }

    @Test
    void anEntryDueBeforeItsTierWouldReleaseItWaitsOnlyForItsDueTime() {
        Envelope soon = TestEntries.dueAt(NOW.plusSeconds(3));

        assertThat(ladder.step(record(tier(30), NOW), soon, NOW))
                .isEqualTo(new DelayLadder.Step.Wait(NOW.plusSeconds(3)));
    }

    @Test
    void onTheLogTopicOrWithoutATimestampAnEntryWaitsForItsDueTime() {
        Envelope soon = TestEntries.dueAt(NOW.plusMillis(400));

        assertThat(ladder.step(record(LOG, NOW.minusSeconds(60)), soon, NOW))
                .isEqualTo(new DelayLadder.Step.Wait(NOW.plusMillis(400)));
        assertThat(ladder.step(record(tier(1), null), soon, NOW))
                .isEqualTo(new DelayLadder.Step.Wait(NOW.plusMillis(400)));
    }

    private static String tier(int seconds) {
        return KafkaDelayTiers.topicName(LOG, Duration.ofSeconds(seconds));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, Instant appended) {
        return new ConsumerRecord<>(
                topic,
                0,
                0,
                appended == null ? ConsumerRecord.NO_TIMESTAMP : appended.toEpochMilli(),
                appended == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.LOG_APPEND_TIME,
                0,
                0,
                null,
                new byte[0],
                new RecordHeaders(),
                Optional.empty());
    }
}
