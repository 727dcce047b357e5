package io.walgate.contract.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When an entry is due. At most one of {@code delay} and {@code deliverAt}; none means now.
 *
 * @param delay apply no earlier than this long after the write is accepted
 * @param deliverAt apply no earlier than this instant
 * @param jitter a random extra delay between zero and this, to spread bulk work
 * @param originalWriteTime the client's clock at the time of the write, carried to the target
 */
public record Lifecycle(Duration delay, Instant deliverAt, Duration jitter, Instant originalWriteTime) {
    public static Lifecycle immediate() {
        return new Lifecycle(null, null, null, null);
    }

    public static Lifecycle after(Duration delay) {
        return new Lifecycle(delay, null, null, null);
    }

    /**
     * The instant the entry becomes due, for a write accepted at {@code acceptedAt}: never before
     * it (a {@code deliverAt} in the past means now, so that nothing keyed to the due time, such as
     * a stored payload's retention, starts out already expired). Only meaningful for a lifecycle
     * that passed validation.
     */
    public Instant dueAt(Instant acceptedAt, RandomGenerator random) {
        Instant base = deliverAt != null && deliverAt.isAfter(acceptedAt)
                ? deliverAt
                : delay != null ? acceptedAt.plus(delay) : acceptedAt;
        if (jitter == null || jitter.isZero()) {
            return base;
        }
        return base.plusMillis(random.nextLong(jitter.toMillis() + 1));
    }
}
