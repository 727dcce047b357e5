package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.AppendException;
import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The re-appends of ordering {@code NONE} (retries, moves down the delay ladder): sent with their
 * batch, and kept pending ({@link PendingReappends}) when the log does not take them, to be tried
 * again on their own while the entries behind them are settled.
 *
 * <ol>
 *   <li>Called on the delivery's thread only.
 *   <li>After a failed re-append, none is tried for {@link Reappender#AGAIN_AFTER}: a log that is
 *       down costs one blocked try per second, not one per entry of the poll (each may block for
 *       up to a minute, and a poll holds up to 500).
 *   <li>A partition with too many pending stops at the record: it is paused there and read again.
 * </ol>
 */
final class UnorderedReappends {
    private final OrderingStrategy.Parts parts;
    private final PendingReappends pending = new PendingReappends();
    /** Before this, re-appends are not tried: the last one failed. */
    private Instant logTriedAgainAt = Instant.MIN;

    UnorderedReappends(OrderingStrategy.Parts parts) {
        this.parts = parts;
    }

    /**
     * Sends {@code again} now, unless the log is resting or the partition is full; @return its send
     * or null. A send that failed at once (the producer waited {@code max.block.ms} for the log)
     * rests the log: the next ones of the batch are not sent, and wait pending.
     */
    Future<?> start(TopicPartition partition, Envelope again) {
        boolean resting = parts.clock().instant().isBefore(logTriedAgainAt);
        if (resting || pending.isFull(partition)) {
            return null;
        }
        CompletableFuture<?> sent = parts.reappender().start(again);
        if (sent.isCompletedExceptionally() && !refusedForGood(sent)) {
            logTriedAgainAt = parts.clock().instant().plus(Reappender.AGAIN_AFTER);
        }
        return sent;
    }

    boolean isFull(TopicPartition partition) {
        return pending.isFull(partition);
    }

    /** A refusal of this entry alone (too large with its history): the log itself is fine. */
    private static boolean refusedForGood(CompletableFuture<?> failed) {
        Throwable cause = failed.handle((ok, e) -> e instanceof CompletionException c ? c.getCause() : e)
                .join();
        return cause instanceof AppendException refused && refused.code().isClientError();
    }

    /**
     * @param sent what {@link #start} returned for it, or null
     * @return whether the record is settled: re-appended, or pending a second try; false (its
     *     partition paused at it) when the partition has too many pending already
     */
    boolean reappend(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again, Future<?> sent) {
        if (pending.isFull(partition)) {
            parts.pauses()
                    .pause(partition, record.offset(), parts.clock().instant().plus(Reappender.AGAIN_AFTER));
            return false;
        }
        if (!tryReappend(record, again, sent)) {
            pending.add(new PendingReappends.Pending(partition, record, again, logTriedAgainAt));
        }
        return true;
    }

    /** Tries the pending re-appends whose time has come, in offset order per partition. */
    void retryDue() {
        for (PendingReappends.Pending p : pending.due(parts.clock().instant())) {
            if (!parts.running().getAsBoolean()) {
                return;
            }
            if (tryReappend(p.record(), p.again(), null)) {
                pending.done(p);
            } else {
                pending.add(new PendingReappends.Pending(p.partition(), p.record(), p.again(), logTriedAgainAt));
            }
        }
    }

    private boolean tryReappend(ConsumerRecord<byte[], byte[]> record, Envelope again, Future<?> sent) {
        if (sent == null && parts.clock().instant().isBefore(logTriedAgainAt)) {
            return false;
        }
        var append = sent instanceof CompletableFuture<?> started
                ? started
                : parts.reappender().start(again);
        if (parts.reappender().reappend(record, again, append)) {
            return true;
        }
        logTriedAgainAt = parts.clock().instant().plus(Reappender.AGAIN_AFTER);
        return false;
    }

    int size() {
        return pending.size();
    }

    OptionalLong first(TopicPartition partition) {
        return pending.first(partition);
    }

    Optional<Instant> nextRetry() {
        return pending.nextRetry();
    }

    /** @return how many pending re-appends of {@code partitions} were dropped */
    int forget(Collection<TopicPartition> partitions) {
        return pending.forget(partitions);
    }
}
