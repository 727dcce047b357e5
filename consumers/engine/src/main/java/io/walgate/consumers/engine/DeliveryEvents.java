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
}
