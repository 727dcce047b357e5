package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Ordering {@code NONE}: the due records of a poll are applied together, partitions side by side
 * in {@link Lanes} (each lane's share in one {@link EntryHandler#handleAll}: one transaction where
 * the target can), each partition in log order; then each is settled in order. A transient failure is
 * re-appended with {@code attempt + 1}, due after its backoff, and everything behind it flows on. A
 * re-append that fails is kept pending ({@link PendingReappends}) and tried again on its own; the
 * entries behind it are settled, not applied again. A partition stops at its first entry not yet
 * released, and waits there.
 */
final class UnorderedStrategy implements OrderingStrategy {
    private static final System.Logger LOG = System.getLogger(UnorderedStrategy.class.getName());
    private final Parts parts;
    private final PendingReappends pending = new PendingReappends();
    /** Before this, re-appends are not tried: the last one failed. */
    private Instant logTriedAgainAt = Instant.MIN;

    UnorderedStrategy(Parts parts) {
        this.parts = parts;
    }

    /** A record of this poll: its envelope (or why it has none), and whether it only moves. */
    private record Polled(
            TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Decoded decoded, boolean move) {
        boolean applied() {
            return decoded.entry() != null && !move;
        }
    }

    /** Where a partition waits: at the record not released yet, until its release. */
    private record Waiting(long offset, Instant until) {}

    @Override
    public void deliver(ConsumerRecords<byte[], byte[]> records) {
        if (!parts.running().getAsBoolean()) {
            return;
        }
        Instant now = parts.clock().instant();
        List<Polled> polled = new ArrayList<>();
        Map<TopicPartition, Waiting> waiting = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                Decoded decoded = Decoded.of(record);
                if (decoded.entry() == null) {
                    polled.add(new Polled(partition, record, decoded, false));
                    continue;
                }
                DelayLadder.Step step = parts.ladder().step(record, decoded.entry(), now);
                if (step instanceof DelayLadder.Step.Wait wait) {
                    waiting.put(partition, new Waiting(record.offset(), wait.until()));
                    break;
                }
                polled.add(new Polled(partition, record, decoded, step instanceof DelayLadder.Step.Move));
            }
        }
        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        polled.stream()
                .filter(Polled::applied)
                .forEach(p -> due.computeIfAbsent(p.partition(), x -> new ArrayList<>())
                        .add(p.decoded().entry()));
        Map<TopicPartition, Iterator<Verdict>> verdicts = new HashMap<>();
        parts.lanes().handle(due).forEach((partition, v) -> verdicts.put(partition, v.iterator()));
        Set<TopicPartition> stopped = new HashSet<>();
        for (Polled p : polled) {
            Verdict verdict = p.applied() ? verdicts.get(p.partition()).next() : null;
            if (stopped.contains(p.partition())) {
                continue; // read again from the record it stopped at; applied ones apply idempotently
            }
            if (!settle(p, verdict)) {
                stopped.add(p.partition());
                continue;
            }
            parts.ledger().settled(p.partition(), p.record().offset());
        }
        waiting.forEach((partition, at) -> {
            if (!stopped.contains(partition)) {
                parts.pauses().waitForDueTime(partition, at.offset(), at.until());
            }
        });
    }

    /** @return whether the record is settled; if not, its partition was paused at it */
    private boolean settle(Polled p, Verdict verdict) {
        ConsumerRecord<byte[], byte[]> record = p.record();
        if (p.decoded().entry() == null) {
            parts.deadLetters()
                    .write(
                            record.key(),
                            record.value(),
                            null,
                            "MALFORMED_ENVELOPE",
                            p.decoded().malformed());
            return true;
        }
        if (p.move()) {
            return reappend(p.partition(), record, p.decoded().entry()); // down the ladder
        }
        if (verdict instanceof Verdict.Dead dead) {
            parts.deadLetters().write(record.key(), dead);
        } else if (verdict instanceof Verdict.Retry retry) {
            return reappend(p.partition(), record, retry.again());
        }
        return true;
    }

    /**
     * @return whether the record is settled: re-appended, or pending a second try; false (its
     *     partition paused at it) when the partition has too many pending already
     */
    private boolean reappend(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again) {
        if (pending.isFull(partition)) {
            parts.pauses()
                    .pause(partition, record.offset(), parts.clock().instant().plus(Reappender.AGAIN_AFTER));
            return false;
        }
        if (!tryReappend(record, again)) {
            pending.add(new PendingReappends.Pending(partition, record, again, logTriedAgainAt));
        }
        return true;
    }

    /** Tries the pending re-appends whose time has come, in offset order per partition. */
    @Override
    public void retryHeld() {
        for (PendingReappends.Pending p : pending.due(parts.clock().instant())) {
            if (!parts.running().getAsBoolean()) {
                return;
            }
            if (tryReappend(p.record(), p.again())) {
                pending.done(p);
            } else {
                pending.add(new PendingReappends.Pending(p.partition(), p.record(), p.again(), logTriedAgainAt));
            }
        }
    }

    /**
     * Re-appends, unless a re-append failed less than {@link Reappender#AGAIN_AFTER} ago: a log that
     * is down costs one blocked try per second, not one per entry of the poll (each may block for up
     * to a minute, and a poll holds up to 500).
     */
    private boolean tryReappend(ConsumerRecord<byte[], byte[]> record, Envelope again) {
        if (parts.clock().instant().isBefore(logTriedAgainAt)) {
            return false;
        }
        if (parts.reappender().reappend(record, again)) {
            return true;
        }
        logTriedAgainAt = parts.clock().instant().plus(Reappender.AGAIN_AFTER);
        return false;
    }

    @Override
    public int held() {
        return pending.size();
    }

    @Override
    public OptionalLong firstHeld(TopicPartition partition) {
        return pending.first(partition);
    }

    @Override
    public Optional<Instant> nextRetry() {
        return pending.nextRetry();
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        int dropped = pending.forget(partitions);
        if (dropped > 0) {
            // Not lost: their offsets were never committed, so the partitions are read again from
            // the first of them (here or by their next owner); the entries behind them apply again.
            LOG.log(
                    Level.INFO,
                    "{0} retries not yet back on the log are read again from their partitions {1}",
                    dropped,
                    partitions);
        }
    }
}
