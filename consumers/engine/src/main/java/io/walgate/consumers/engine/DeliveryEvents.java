package io.walgate.consumers.engine;

import io.walgate.contract.entry.Envelope;
import java.time.Duration;

/**
 * What a delivery reports as it goes, for metrics. Called on the delivery's thread; implementations
 * must be quick and must not throw.
 */
public interface DeliveryEvents {
    DeliveryEvents NONE = new DeliveryEvents() {};

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
     * Now and then (every {@link #BACKLOG_EVERY}): how far behind the delivery is and how many dead
     * letters its DLQ holds. Kafka: entries between the read position and the end of the log and
     * its tiers, plus entries held back by KEY ordering; dead letters retained in the DLQ topic.
     * SQS: messages ready in the queue; messages in the DLQ queue. -1 when it could not be told.
     */
    default void backlog(long lag, long deadLetters) {}

    Duration BACKLOG_EVERY = Duration.ofSeconds(10);
}
