package io.walgate.consumers.engine;

import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka delivery's backlog and stall reports ({@link DeliveryEvents#backlog}, {@link
 * DeliveryEvents#stall}), every {@link DeliveryEvents#BACKLOG_EVERY} and as soon as the DLQ's depth
 * is known.
 *
 * <ol>
 *   <li>Never blocks: the lag is the consumer's own view of its assigned partitions ({@code
 *       currentLag}, no broker call), the DLQ's depth the last answer of the {@link
 *       DeadLetterProbe}.
 *   <li>Entries of a partition waiting for a due time are backlog, not stall.
 * </ol>
 */
final class BacklogReport {
    private final Consumer<?, ?> consumer;
    private final OrderingStrategy strategy;
    private final Pauses pauses;
    private final OffsetLedger ledger;
    private final DeadLetterProbe deadLetterDepth;
    private final StallWatch stall;
    private final DeliveryEvents events;
    private final Clock clock;
    private Instant next = Instant.MIN;

    BacklogReport(
            Consumer<?, ?> consumer,
            OrderingStrategy strategy,
            Pauses pauses,
            OffsetLedger ledger,
            DeadLetterProbe deadLetterDepth,
            StallWatch stall,
            DeliveryEvents events,
            Clock clock) {
        this.consumer = consumer;
        this.strategy = strategy;
        this.pauses = pauses;
        this.ledger = ledger;
        this.deadLetterDepth = deadLetterDepth;
        this.stall = stall;
        this.events = events;
        this.clock = clock;
    }

    /** After a poll was handled: reports when its time has come. */
    void maybeReport() {
        Instant now = clock.instant();
        if (now.isBefore(next) && !deadLetterDepth.answered()) {
            return;
        }
        if (!now.isBefore(next)) {
            next = now.plus(DeliveryEvents.BACKLOG_EVERY);
        }
        long held = strategy.held();
        long lag = held;
        long dueLag = held;
        StringBuilder position = new StringBuilder();
        for (TopicPartition p : consumer.assignment()) {
            long behind = consumer.currentLag(p).orElse(0);
            lag += behind;
            if (behind > 0 && !pauses.isWaitingForDueTime(p)) {
                dueLag += behind;
                position.append(position.length() == 0 ? "" : ", ")
                        .append(p)
                        .append('@')
                        .append(ledger.committed(p));
            }
        }
        stall.observe(dueLag, position.toString());
        events.stall(stall.stalledFor(), stall.detail());
        events.backlog(lag, deadLetterDepth.latest());
    }

    /**
     * While the delivery fails before it can report (the DLQ or the log unreachable): nothing moves,
     * and how much waits cannot be told; the stall watch counts that as a stall.
     */
    void reportStall() {
        stall.observe(-1, "");
        events.stall(stall.stalledFor(), stall.detail());
    }
}
