package io.walgate.adapter.kafka.read;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
 *   <li>A commit never moves back: what is offered is always past what was committed.
 *   <li>A partition forgotten (revoked, lost, rewound) starts afresh: nothing of it is committable
 *       until a record of it is settled again.
 * </ol>
 */
final class OffsetLedger {
    /** Per partition, the offset after the last record settled. */
    private final Map<TopicPartition, Long> settled = new HashMap<>();

    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** The record at {@code offset} of {@code partition}, and every one before it, is settled. */
    void settled(TopicPartition partition, long offset) {
        settled.put(partition, offset + 1);
    }

    /**
     * What to commit now: per partition, up to the first record not settled or held ({@code
     * firstHeld}), where that is past the last commit.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Function<TopicPartition, OptionalLong> firstHeld) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        settled.forEach((partition, next) -> {
            long upTo = Math.min(next, firstHeld.apply(partition).orElse(Long.MAX_VALUE));
            if (upTo > committed(partition)) {
                due.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return due;
    }

    /** {@code offsets}, from {@link #committable}, were committed. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.merge(partition, offset.offset(), Math::max));
    }

    /** The last offset this delivery committed for {@code partition}; -1 when none yet. */
    long committed(TopicPartition partition) {
        return committed.getOrDefault(partition, -1L);
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            settled.remove(p);
            committed.remove(p);
        });
    }
}
