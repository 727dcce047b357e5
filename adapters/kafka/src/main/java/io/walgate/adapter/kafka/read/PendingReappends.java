package io.walgate.adapter.kafka.read;

import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-appends that failed (the log unreachable for a moment), kept in memory and tried again on
 * their own, so that the entries behind them in their partition, already applied, are settled and
 * not applied a second time. Pure bookkeeping, on the delivery's thread.
 *
 * <ol>
 *   <li>A pending re-append is the first offset of its partition that may not be committed: a
 *       restart reads it (and what follows) again, never loses it.
 *   <li>Each is tried again no sooner than its time ({@link Reappender#AGAIN_AFTER} after it
 *       failed).
 *   <li>A partition with {@link #MAX_PER_PARTITION} pending stops taking more: the caller pauses it.
 * </ol>
 */
final class PendingReappends {
    /** Pending re-appends per partition before the partition stops being read. */
    static final int MAX_PER_PARTITION = 1_000;

    /** What failed to go back onto the log: the source record, the entry to append, when to retry. */
    record Pending(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again, Instant retryAt) {}

    private final Map<TopicPartition, TreeMap<Long, Pending>> byPartition = new HashMap<>();

    /** Adds {@code pending}, or replaces the one of the same record (with a later retry time). */
    void add(Pending pending) {
        byPartition
                .computeIfAbsent(pending.partition(), p -> new TreeMap<>())
                .put(pending.record().offset(), pending);
    }

    boolean isFull(TopicPartition partition) {
        var pending = byPartition.get(partition);
        return pending != null && pending.size() >= MAX_PER_PARTITION;
    }

    /** Those due at {@code now}, each partition's in offset order; they stay pending until {@link #done}. */
    List<Pending> due(Instant now) {
        List<Pending> due = new ArrayList<>();
        byPartition
                .values()
                .forEach(pending -> pending.values().stream()
                        .filter(p -> !p.retryAt().isAfter(now))
                        .forEach(due::add));
        return due;
    }

    /** {@code pending} was appended (or dead-lettered): its offset may be committed. */
    void done(Pending pending) {
        var inPartition = byPartition.get(pending.partition());
        if (inPartition != null) {
            inPartition.remove(pending.record().offset());
            if (inPartition.isEmpty()) {
                byPartition.remove(pending.partition());
            }
        }
    }

    OptionalLong first(TopicPartition partition) {
        var pending = byPartition.get(partition);
        return pending == null ? OptionalLong.empty() : OptionalLong.of(pending.firstKey());
    }

    Optional<Instant> nextRetry() {
        return byPartition.values().stream()
                .flatMap(p -> p.values().stream())
                .map(Pending::retryAt)
                .min(Instant::compareTo);
    }

    int size() {
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }

    /** @return how many were pending in {@code partitions} */
    int forget(Collection<TopicPartition> partitions) {
        int dropped = 0;
        for (TopicPartition partition : partitions) {
            var pending = byPartition.remove(partition);
            dropped += pending == null ? 0 : pending.size();
        }
        return dropped;
    }
}
