package io.walgate.adapter.kafka.read;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.contract.entry.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The delay ladder of one namespace's Kafka log ({@link KafkaDelayTiers}), as its delivery reads
 * it: for each record, whether to apply it, move it down the ladder, or wait.
 *
 * <p>An entry waits in a delay tier exactly the tier's length from when it was appended, then moves
 * down the ladder (re-appended to the tier its remaining time fits) or is applied when due. So every
 * tier is FIFO in release time, and a head that is not released yet holds back nothing that is
 * released sooner. On the log topic itself an entry waits for its due time (under a second away).
 */
final class DelayLadder {
    /** What to do with a record now. */
    sealed interface Step {
        /** Due: apply it. */
        record Apply() implements Step {}

        /** Released from its tier but not due: re-append it to the tier its remaining time fits. */
        record Move() implements Step {}

        /** Not released yet: its partition waits, at this record, until {@code until}. */
        record Wait(Instant until) implements Step {}
    }

    private static final Step APPLY = new Step.Apply();
    private static final Step MOVE = new Step.Move();

    private final List<String> topics;
    /** Delay tier topic → how long an entry waits in it. */
    private final Map<String, Duration> tiers = new HashMap<>();

    DelayLadder(String logTopic) {
        this.topics = KafkaDelayTiers.deliveredTopics(logTopic);
        KafkaDelayTiers.TIERS.forEach(tier -> tiers.put(KafkaDelayTiers.topicName(logTopic, tier), tier));
    }

    /** The topics delivered: the log and its delay tiers. */
    List<String> topics() {
        return topics;
    }

    /** How long an entry waits in {@code topic}, if it is one of the delay tiers. */
    Optional<Duration> tier(String topic) {
        return Optional.ofNullable(tiers.get(topic));
    }

    /** What to do now with {@code entry}, read from {@code record}. */
    Step step(ConsumerRecord<byte[], byte[]> record, Envelope entry, Instant now) {
        if (!entry.deliverAt().isAfter(now)) {
            return APPLY;
        }
        Instant release = releaseAt(record, entry);
        return release.isAfter(now) ? new Step.Wait(release) : MOVE;
    }

    /**
     * When a not-yet-due record leaves its place: the tier's length after its append, or its due
     * time if sooner; on the log topic, or without a timestamp to go by, its due time.
     */
    private Instant releaseAt(ConsumerRecord<byte[], byte[]> record, Envelope entry) {
        Duration tier = tiers.get(record.topic());
        if (tier == null || record.timestamp() < 0) {
            return entry.deliverAt();
        }
        Instant release = Instant.ofEpochMilli(record.timestamp()).plus(tier);
        return release.isBefore(entry.deliverAt()) ? release : entry.deliverAt();
    }
}
