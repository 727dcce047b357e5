package io.walgate.consumers.engine;

import io.walgate.contract.entry.Envelope;
import java.time.Duration;

/**
 * What a delivery reports as it goes, for metrics and health.
 *
 * <ol>
 *   <li>Called on the delivery's threads (its poll loop and its apply lanes), possibly at once:
 *       implementations must be thread-safe and quick.
 *   <li>Reporting never changes a delivery: the engine calls an implementation only through {@link
 *       #guarded}, so whatever it throws is logged and dropped. Metrics code must never be able to
 *       fail (and so replay) a delivery.
 * </ol>
 */
public interface DeliveryEvents {
    /** {@code events}, with every exception it throws logged and dropped. */
    static DeliveryEvents guarded(DeliveryEvents events) {
        return events instanceof GuardedEvents ? events : new GuardedEvents(events);
    }

    /**
     * An apply ended.
     *
     * @param outcome {@code applied}, {@code retried} or {@code dead_lettered}
     * @param code the failure's code; {@code OK} when applied
     * @param took how long the target took
     * @param lateness how long after its due time the apply started
     */
    default void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {}

    /**
     * Now and then (every 10 s or so): how far behind the delivery is and how many dead
     * letters its DLQ holds. Kafka: entries between the read position and the end of the log and
     * its tiers, plus entries held back by KEY ordering; dead letters retained in the DLQ topic.
     * SQS: messages ready in the queue; messages in the DLQ queue. -1 when it could not be told.
     */
    default void backlog(long lag, long deadLetters) {}

    /**
     * With every backlog report: how long the delivery has been stalled ({@link Duration#ZERO} when
     * it flows), and, when stalled, where and why ({@link StallWatch}).
     */
    default void stall(Duration stalledFor, String detail) {}

    /**
     * Entries that were deleted from the log (by retention) before this delivery read them: {@code
     * count} entries of {@code where}. They are gone; the delivery goes on after them.
     */
    default void lost(String where, long count) {}
}
