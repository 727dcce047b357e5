package io.walgate.contract.namespace;

import java.time.Duration;

/**
 * How entries are delivered.
 *
 * @param ordering NONE (default) or KEY
 * @param maxDelay the longest delay a write may ask for (default P7D, at most P30D)
 */
public record DeliverySpec(Ordering ordering, Duration maxDelay) {
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofDays(7);
    public static final Duration MAX_MAX_DELAY = Duration.ofDays(30);

    public static DeliverySpec defaults() {
        return new DeliverySpec(Ordering.NONE, DEFAULT_MAX_DELAY);
    }

    public DeliverySpec withDefaults() {
        return new DeliverySpec(
                ordering != null ? ordering : Ordering.NONE, maxDelay != null ? maxDelay : DEFAULT_MAX_DELAY);
    }
}
