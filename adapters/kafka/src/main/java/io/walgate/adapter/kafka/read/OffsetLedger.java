package io.walgate.adapter.kafka.read;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, what a Kafka delivery has settled and what it may commit. Pure bookkeeping: it
 * never talks to Kafka.
 *
 * <ol>
 *   <li>An offset is committable only once every record before it was settled: applied,
 *       re-appended, dead-lettered, or held in memory (KEY ordering). A held record is settled but
 *       not committable: the commit stops at the first one, so a restart reads it again.
 *   <li>A commit never moves back: what is offered is always past what was offered before. An
 *       offer the broker refuses is offered again, with what was settled since.
 *   <li>A partition forgotten (revoked, lost, rewound) starts afresh: nothing of it is committable
 *       until a record of it is settled again.
 * </ol>
 */
final class OffsetLedger {
    /** Per partition, the offset after the last record settled. */
    private final Map<TopicPartition, Long> settled = new HashMap<>();

    /** Per partition, the last offset offered in a commit, answered or not. */
    private final Map<TopicPartition, Long> offered = new HashMap<>();

    /** Per partition, the last offset the broker confirmed. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** The record at {@code offset} of {@code partition}, and every one before it, is settled. */
    void settled(TopicPartition partition, long offset) {
        settled.put(partition, offset + 1);
    }

    /**
     * What to offer in a commit now: per partition, up to the first record not settled or held
     * ({@code firstHeld}), where that is past what was offered before. It counts as offered.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Function<TopicPartition, OptionalLong> firstHeld) {
        Map<TopicPartition, OffsetAndMetadata> due = upTo(firstHeld, offered);
        due.forEach((partition, offset) -> offered.merge(partition, offset.offset(), Math::max));
        return due;
    }

    /**
     * What to commit and wait for (a stop, a rebalance): as {@link #committable}, but past what the
     * broker confirmed, whatever is in flight.
     */
    Map<TopicPartition, OffsetAndMetadata> unconfirmed(Function<TopicPartition, OptionalLong> firstHeld) {
        return upTo(firstHeld, committed);
    }

    private Map<TopicPartition, OffsetAndMetadata> upTo(
            Function<TopicPartition, OptionalLong> firstHeld, Map<TopicPartition, Long> past) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        settled.forEach((partition, next) -> {
            long upTo = Math.min(next, firstHeld.apply(partition).orElse(Long.MAX_VALUE));
            if (upTo > past.getOrDefault(partition, -1L)) {
                due.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return due;
    }

    /** The broker confirmed the commit of {@code offsets}. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            committed.merge(partition, offset.offset(), Math::max);
            offered.merge(partition, offset.offset(), Math::max);
        });
    }

    /** A commit of {@code partitions} failed: what they settled past the last confirmed commit is offered again. */
    void refused(Collection<TopicPartition> partitions) {
        partitions.forEach(offered::remove);
    }

    /** The offset after the last record of {@code partition} settled, if any was. */
    Optional<Long> settledUpTo(TopicPartition partition) {
        return Optional.ofNullable(settled.get(partition));
    }

    /** The last offset the broker confirmed for {@code partition}; -1 when none yet. */
    long committed(TopicPartition partition) {
        return committed.getOrDefault(partition, -1L);
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            settled.remove(p);
            offered.remove(p);
            committed.remove(p);
        });
    }
}
