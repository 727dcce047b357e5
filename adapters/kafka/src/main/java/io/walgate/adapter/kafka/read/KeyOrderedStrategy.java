package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Ordering {@code KEY}: entries are applied one by one in log order, and a transient failure holds
 * its entry in memory ({@link KeyHolds}) with every later entry of the same partition key behind
 * it, to be retried in place after its backoff; other keys flow on. Held entries are settled but
 * never committed, so a restart reads them again; what was applied past them is noted in the commit
 * at a hand-over ({@link SettledAbove}), so the next owner applies only the held ones again. A partition with {@link #MAX_HELD_PER_PARTITION}
 * held entries stops being read until its next retry.
 */
final class KeyOrderedStrategy implements OrderingStrategy {
    /** Held entries per partition before the partition stops being read. */
    static final int MAX_HELD_PER_PARTITION = 10_000;

    private final Parts parts;
    private final KeyHolds holds = new KeyHolds();
    /** Per partition, what its last owner settled past the commit it resumes from. */
    private final Map<TopicPartition, SettledAbove> settledBefore = new HashMap<>();

    KeyOrderedStrategy(Parts parts) {
        this.parts = parts;
    }

    @Override
    public void deliver(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (!parts.running().getAsBoolean() || parts.pauses().isPaused(partition)) {
                    break; // the rest of this partition is read again after the seek
                }
                if (settledBefore(partition, record.offset())) {
                    parts.ledger().settled(partition, record.offset());
                    continue; // applied (or settled) by the last owner: not again
                }
                if (!deliver(partition, record)) {
                    break;
                }
                parts.ledger().settled(partition, record.offset());
            }
        }
    }

    /** @return false when the partition was paused at this record (not due yet, or not appended) */
    private boolean deliver(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        Decoded decoded = Decoded.of(record, parts.region());
        if (decoded.entry() == null) {
            parts.deadLetters().write(record.key(), record.value(), null, "MALFORMED_ENVELOPE", decoded.malformed());
            return true;
        }
        if (decoded.elsewhere()) {
            return true; // another region's retry: settled, not applied
        }
        Envelope entry = decoded.entry();
        Instant now = parts.clock().instant();
        DelayLadder.Step step = parts.ladder().step(record, entry, now);
        if (step instanceof DelayLadder.Step.Wait wait) {
            parts.pauses().waitForDueTime(partition, record.offset(), wait.until());
            return false;
        }
        if (step instanceof DelayLadder.Step.Move) {
            // Down the ladder, as this region's copy: every region reads the tier and moves its own.
            return reappend(partition, record, entry.forRegion(parts.region()));
        }
        String key = entry.partitionKey();
        if (holds.blocks(key)) {
            if (holds.heldIn(partition) >= MAX_HELD_PER_PARTITION) {
                parts.pauses()
                        .pause(partition, record.offset(), holds.nextRetry().orElse(now.plusSeconds(1)));
                return false;
            }
            holds.holdBehind(key, new KeyHolds.Held(partition, record.offset(), record.key(), entry));
            return true;
        }
        Verdict verdict = parts.lanes().first().handle(entry);
        if (verdict instanceof Verdict.Dead dead) {
            parts.deadLetters().write(record.key(), dead);
        } else if (verdict instanceof Verdict.Retry retry) {
            if (key == null) {
                return reappend(partition, record, retry.again());
            }
            holds.holdFailed(
                    key,
                    new KeyHolds.Held(partition, record.offset(), record.key(), retry.again()),
                    retry.again().deliverAt());
        }
        return true;
    }

    /** A re-append that fails pauses the partition at its record, which is read again shortly. */
    private boolean reappend(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again) {
        if (parts.reappender().reappend(record, again)) {
            return true;
        }
        parts.pauses().pause(partition, record.offset(), parts.clock().instant().plus(Reappender.AGAIN_AFTER));
        return false;
    }

    private boolean settledBefore(TopicPartition partition, long offset) {
        SettledAbove before = settledBefore.get(partition);
        if (before == null) {
            return false;
        }
        if (offset >= before.upTo()) {
            settledBefore.remove(partition);
            return false;
        }
        return before.skips(offset);
    }

    /**
     * Notes the held offsets at a hand-over: the next owner delivers only those of the records up to
     * {@code settledUpTo}, not the other keys' entries applied meanwhile.
     */
    @Override
    public Optional<String> handOverNote(TopicPartition partition, long commit, long settledUpTo) {
        SortedSet<Long> held = holds.heldOffsets(partition);
        if (held.isEmpty() || settledUpTo <= commit) {
            return Optional.empty();
        }
        return new SettledAbove(commit, settledUpTo, held).note();
    }

    @Override
    public void dropNotes(Collection<TopicPartition> partitions) {
        partitions.forEach(settledBefore::remove);
    }

    @Override
    public boolean readsNotes() {
        return true;
    }

    @Override
    public void resumeFrom(TopicPartition partition, OffsetAndMetadata committed) {
        SettledAbove.of(committed.offset(), committed.metadata())
                .ifPresentOrElse(before -> settledBefore.put(partition, before), () -> settledBefore.remove(partition));
    }

    /** Tries the held keys whose turn it is, each until it blocks again or has nothing held. */
    @Override
    public void retryHeld() {
        for (String key : holds.dueKeys(parts.clock().instant())) {
            while (parts.running().getAsBoolean()) {
                var head = holds.head(key);
                if (head.isEmpty()) {
                    break;
                }
                KeyHolds.Held held = head.get();
                Verdict verdict = parts.lanes().first().handle(held.entry());
                if (verdict instanceof Verdict.Retry retry) {
                    holds.retryHead(key, retry.again(), retry.again().deliverAt());
                    break;
                }
                if (verdict instanceof Verdict.Dead dead) {
                    parts.deadLetters().write(held.recordKey(), dead);
                }
                holds.release(key, parts.clock().instant());
            }
        }
    }

    @Override
    public int held() {
        return holds.size();
    }

    @Override
    public OptionalLong firstHeld(TopicPartition partition) {
        return holds.firstHeldOffset(partition);
    }

    @Override
    public Optional<Instant> nextRetry() {
        return holds.nextRetry();
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        holds.drop(partitions);
        partitions.forEach(settledBefore::remove);
    }
}
