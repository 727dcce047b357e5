package io.walgate.adapter.kafka.read;

import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The entries held back by {@code ordering: KEY}: per partition key, a failed entry waiting for its
 * retry and, behind it, the later entries of that key, in the order they were read. Other keys are
 * not affected.
 *
 * <p>Held entries are not committed: {@link #firstHeldOffset} caps what may be committed for their
 * partition, so a worker that dies with entries held reads them (and what followed) again. That is
 * also why holding needs no storage of its own. Not thread-safe; one delivery thread owns it.
 */
final class KeyHolds {

    /** A record of the log, held back. {@code entry} carries its attempts and failure history. */
    record Held(TopicPartition partition, long offset, byte[] recordKey, Envelope entry) {
        Held retried(Envelope again) {
            return new Held(partition, offset, recordKey, again);
        }
    }

    private final Map<String, ArrayDeque<Held>> byKey = new HashMap<>();
    /** When each blocked key's head is tried next. */
    private final Map<String, Instant> nextTry = new HashMap<>();

    private final Map<TopicPartition, TreeSet<Long>> offsets = new HashMap<>();

    /** Whether entries of {@code key} are being held back. */
    boolean blocks(String key) {
        return key != null && byKey.containsKey(key);
    }

    /** Holds a failed entry of a key not blocked so far; it is tried again at {@code retryAt}. */
    void holdFailed(String key, Held failed, Instant retryAt) {
        if (blocks(key)) {
            throw new IllegalStateException("key " + key + " is already held; hold behind it");
        }
        ArrayDeque<Held> queue = new ArrayDeque<>();
        queue.add(failed);
        byKey.put(key, queue);
        nextTry.put(key, retryAt);
        track(failed);
    }

    /** Holds a due entry behind the entries already held for its key. */
    void holdBehind(String key, Held entry) {
        ArrayDeque<Held> queue = byKey.get(key);
        if (queue == null) {
            throw new IllegalStateException("key " + key + " is not held");
        }
        queue.add(entry);
        track(entry);
    }

    /** The keys whose head is due at {@code now}, earliest first. */
    List<String> dueKeys(Instant now) {
        List<String> due = new ArrayList<>();
        nextTry.forEach((key, at) -> {
            if (!at.isAfter(now)) {
                due.add(key);
            }
        });
        due.sort((a, b) -> nextTry.get(a).compareTo(nextTry.get(b)));
        return due;
    }

    /** The entry to try next for {@code key}, if it is still held. */
    Optional<Held> head(String key) {
        ArrayDeque<Held> queue = byKey.get(key);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.peekFirst());
    }

    /** The head failed again: it stays first, now as {@code again}, and is tried at {@code retryAt}. */
    void retryHead(String key, Envelope again, Instant retryAt) {
        ArrayDeque<Held> queue = byKey.get(key);
        queue.addFirst(queue.removeFirst().retried(again));
        nextTry.put(key, retryAt);
    }

    /**
     * The head is done with (applied or dead-lettered): the next held entry of the key becomes the
     * head, to be tried at once; with none left the key flows again.
     */
    void release(String key, Instant now) {
        ArrayDeque<Held> queue = byKey.get(key);
        untrack(queue.removeFirst());
        if (queue.isEmpty()) {
            byKey.remove(key);
            nextTry.remove(key);
        } else {
            nextTry.put(key, now);
        }
    }

    /** The lowest held offset of {@code partition}: nothing from it on may be committed. */
    OptionalLong firstHeldOffset(TopicPartition partition) {
        TreeSet<Long> held = offsets.get(partition);
        return held == null || held.isEmpty() ? OptionalLong.empty() : OptionalLong.of(held.first());
    }

    /** Every held offset of {@code partition}, lowest first. */
    SortedSet<Long> heldOffsets(TopicPartition partition) {
        TreeSet<Long> held = offsets.get(partition);
        return held == null ? new TreeSet<>() : new TreeSet<>(held);
    }

    /** How many entries of {@code partition} are held, to bound memory. */
    int heldIn(TopicPartition partition) {
        TreeSet<Long> held = offsets.get(partition);
        return held == null ? 0 : held.size();
    }

    /** When the earliest blocked key is tried next, if any is. */
    Optional<Instant> nextRetry() {
        return nextTry.values().stream().min(Instant::compareTo);
    }

    int size() {
        return offsets.values().stream().mapToInt(TreeSet::size).sum();
    }

    /**
     * Forgets the entries of partitions this worker no longer reads (a rebalance, a rewind). They
     * were never committed, so whoever reads those partitions next delivers them.
     */
    void drop(Collection<TopicPartition> partitions) {
        for (Iterator<Map.Entry<String, ArrayDeque<Held>>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ArrayDeque<Held>> e = it.next();
            boolean headDropped = partitions.contains(e.getValue().peekFirst().partition());
            e.getValue().removeIf(h -> partitions.contains(h.partition()));
            if (e.getValue().isEmpty()) {
                it.remove();
                nextTry.remove(e.getKey());
            } else if (headDropped) {
                // What remains was held behind an entry that was never tried; try it now.
                nextTry.put(e.getKey(), Instant.MIN);
            }
        }
        partitions.forEach(offsets::remove);
    }

    private void track(Held h) {
        offsets.computeIfAbsent(h.partition(), p -> new TreeSet<>()).add(h.offset());
    }

    private void untrack(Held h) {
        TreeSet<Long> held = offsets.get(h.partition());
        if (held != null) {
            held.remove(h.offset());
        }
    }
}
