package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeliveryProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka subscription's position and backlog reports ({@link DeliveryProgress#position}, {@link
 * DeliveryProgress#backlog}), every {@link #EVERY} and as soon as the DLQ's depth is known.
 *
 * <ol>
 *   <li>Never blocks: the lag is the consumer's own view of the namespace's assigned partitions ({@code
 *       currentLag}, no broker call), the DLQ's depth the last answer of the {@link
 *       DeadLetterProbe}.
 *   <li>Entries of a partition waiting for a due time are backlog, not stall.
 * </ol>
 */
final class BacklogReport {
    static final Duration EVERY = Duration.ofSeconds(10);

    private final Consumer<?, ?> consumer;
    private final Supplier<? extends Collection<TopicPartition>> assigned;
    private final OrderingStrategy strategy;
    private final Pauses pauses;
    private final OffsetLedger ledger;
    private final DeadLetterProbe deadLetterDepth;
    private final DeliveryProgress progress;
    private final Clock clock;
    private Instant next = Instant.MIN;

    BacklogReport(
            Consumer<?, ?> consumer,
            Supplier<? extends Collection<TopicPartition>> assigned,
            OrderingStrategy strategy,
            Pauses pauses,
            OffsetLedger ledger,
            DeadLetterProbe deadLetterDepth,
            DeliveryProgress progress,
            Clock clock) {
        this.consumer = consumer;
        this.assigned = assigned;
        this.strategy = strategy;
        this.pauses = pauses;
        this.ledger = ledger;
        this.deadLetterDepth = deadLetterDepth;
        this.progress = progress;
        this.clock = clock;
    }

    /** After a poll was handled: reports when its time has come. */
    void maybeReport() {
        Instant now = clock.instant();
        if (now.isBefore(next) && !deadLetterDepth.answered()) {
            return;
        }
        if (!now.isBefore(next)) {
            next = now.plus(EVERY);
        }
        long held = strategy.held();
        long lag = held;
        long dueLag = held;
        StringBuilder position = new StringBuilder();
        for (TopicPartition p : assigned.get()) {
            long behind;
            try {
                behind = consumer.currentLag(p).orElse(0);
            } catch (IllegalStateException e) {
                continue; // no longer assigned, and not told yet
            }
            lag += behind;
            if (behind > 0 && !pauses.isWaitingForDueTime(p)) {
                dueLag += behind;
                position.append(position.length() == 0 ? "" : ", ")
                        .append(p)
                        .append('@')
                        .append(ledger.committed(p));
            }
        }
        progress.position(dueLag, position.toString());
        progress.backlog(lag, deadLetterDepth.latest());
    }

    /**
     * While the subscription fails before it can report (the DLQ or the log unreachable): nothing
     * moves, and how much waits cannot be told; the stall watch counts that as a stall.
     */
    void reportUnknown() {
        progress.position(-1, "");
    }
}
