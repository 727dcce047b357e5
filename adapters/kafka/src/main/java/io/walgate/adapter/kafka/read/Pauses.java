package io.walgate.adapter.kafka.read;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a Kafka delivery has paused, each at a record and until a time, and how long its
 * next poll may wait. Called on the delivery's thread only.
 *
 * <ol>
 *   <li>A paused partition is positioned at the record it stopped at, so that record is the first
 *       read when it resumes; nothing behind it is read meanwhile.
 *   <li>It resumes at its time, not before, and only while it is still assigned: a partition lost
 *       in a rebalance is not resumed (nor remembered).
 *   <li>A pause at an entry not due yet is <em>waiting</em>, not stalled: its lag is no stall.
 *   <li>A partition whose entries are being applied is <em>held</em>: not read, at no time limit,
 *       until {@link #release}d; a pause set meanwhile outlasts the hold.
 *   <li>A delay tier's partition that holds nothing past its position is <em>quiet</em> ({@link
 *       QuietTiers}): not fetched until its end offset moves; then it is read again unless held or
 *       paused meanwhile.
 * </ol>
 */
final class Pauses {
    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    /** Partitions paused at an entry that is not due yet: waiting, not stalled. */
    private final Set<TopicPartition> waitingForDueTime = new HashSet<>();
    /** Partitions with entries being applied. */
    private final Set<TopicPartition> held = new HashSet<>();
    /** Quiet delay tier partitions, each with the position it rests at (its end offset then). */
    private final Map<TopicPartition, Long> quiet = new HashMap<>();
    /**
     * Partitions woken from quiet, each with the end offset that woke it: until it has been read that
     * far, the consumer's idea of its end may be the one from before the pause.
     */
    private final Map<TopicPartition, Long> wokenAt = new HashMap<>();

    Pauses(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** Stops reading {@code partition} until {@code until}, then goes on at {@code offset}. */
    void pause(TopicPartition partition, long offset, Instant until) {
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        pausedUntil.put(partition, until);
    }

    /** As {@link #pause}, for a record whose entry is not due (or not released) before {@code until}. */
    void waitForDueTime(TopicPartition partition, long offset, Instant until) {
        pause(partition, offset, until);
        waitingForDueTime.add(partition);
    }

    /** Stops reading {@code partition} while its entries are applied; its position stays. */
    void hold(TopicPartition partition) {
        consumer.pause(List.of(partition));
        held.add(partition);
    }

    /**
     * Its entries are settled: reads {@code partition} again, unless it was paused meanwhile. A held
     * partition is still assigned: one revoked or lost is {@link #forget}ten, hold and all (the
     * consumer's assignment is not copied per settled batch: with many namespaces it is thousands).
     */
    void release(TopicPartition partition) {
        if (held.remove(partition) && !pausedUntil.containsKey(partition) && !quiet.containsKey(partition)) {
            consumer.resume(List.of(partition));
        }
    }

    /** Whether it is fetched: not paused, held or quiet. */
    boolean isFetched(TopicPartition partition) {
        return !pausedUntil.containsKey(partition) && !held.contains(partition) && !quiet.containsKey(partition);
    }

    /**
     * Stops fetching {@code partition}, which holds nothing past {@code position}, until {@link
     * #lookedAt}; not if it was woken and has not been read to the end that woke it (@return false).
     */
    boolean quieten(TopicPartition partition, long position) {
        Long woke = wokenAt.get(partition);
        if (woke != null && position < woke) {
            return false;
        }
        wokenAt.remove(partition);
        consumer.pause(List.of(partition));
        quiet.put(partition, position);
        return true;
    }

    boolean isQuiet(TopicPartition partition) {
        return quiet.containsKey(partition);
    }

    /**
     * A quiet partition's end offset is {@code end} (null: it could not be told): it is fetched again
     * unless it still ends where it rests. {@code resume} false: its delivery reads nothing now (it
     * waits for a rewind, or stops), so it is only no longer quiet. @return whether it stays quiet
     */
    boolean lookedAt(TopicPartition partition, Long end, boolean resume) {
        Long at = quiet.get(partition);
        if (at == null) {
            return false;
        }
        if (at.equals(end)) {
            return true;
        }
        quiet.remove(partition);
        if (end != null) {
            wokenAt.put(partition, end);
        }
        if (resume && !pausedUntil.containsKey(partition) && !held.contains(partition)) {
            consumer.resume(List.of(partition));
        }
        return false;
    }

    /** Whether a pause ends before {@code horizon} (the poll must then wait no longer). */
    boolean endsBefore(Instant horizon) {
        for (Instant until : pausedUntil.values()) {
            if (until.isBefore(horizon)) {
                return true;
            }
        }
        return false;
    }

    boolean isPaused(TopicPartition partition) {
        return pausedUntil.containsKey(partition);
    }

    boolean isWaitingForDueTime(TopicPartition partition) {
        return waitingForDueTime.contains(partition);
    }

    /** Resumes every partition whose time has come and that is still assigned. */
    void resumeDue(Instant now) {
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.forEach((partition, until) -> {
            if (!until.isAfter(now)) {
                due.add(partition);
            }
        });
        if (due.isEmpty()) {
            return; // the common case, each poll of each namespace of a shared consumer: no copy
        }
        due.forEach(p -> {
            pausedUntil.remove(p);
            waitingForDueTime.remove(p);
        });
        due.retainAll(consumer.assignment());
        due.removeAll(held);
        due.removeIf(quiet::containsKey);
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    /**
     * How long the next poll may wait: at most {@code max}, and no longer than the earliest resume
     * or {@code nextRetry} (a held key's).
     */
    Duration pollTimeout(Instant now, Duration max, Optional<Instant> nextRetry) {
        Instant soonest = now.plus(max);
        for (Instant until : pausedUntil.values()) {
            soonest = until.isBefore(soonest) ? until : soonest;
        }
        Instant retry = nextRetry.orElse(soonest);
        soonest = retry.isBefore(soonest) ? retry : soonest;
        return soonest.isAfter(now) ? Duration.between(now, soonest) : Duration.ZERO;
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            pausedUntil.remove(p);
            waitingForDueTime.remove(p);
            held.remove(p);
            quiet.remove(p);
            wokenAt.remove(p);
        });
    }
}
