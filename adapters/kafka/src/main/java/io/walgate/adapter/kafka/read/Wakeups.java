package io.walgate.adapter.kafka.read;

import java.util.function.Supplier;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A {@link SharedConsumer} wakes its poll when an apply finishes ({@code Consumer#wakeup}), so that
 * it settles it at once instead of polling every few milliseconds; a wake that comes as the poll
 * returns is kept by the consumer for its next blocking call. Every blocking call of the polling
 * thread other than {@code poll} (commits, committed offsets, log ends) goes through {@link
 * #ignored}: a wake is only ever a hint to look at the lanes, never a reason to fail.
 */
final class Wakeups {
    private Wakeups() {}

    /** Runs {@code call}, again if a wake interrupted it (only one wake is pending at a time). */
    static <T> T ignored(Supplier<T> call) {
        try {
            return call.get();
        } catch (WakeupException e) {
            return call.get();
        }
    }

    static void ignored(Runnable call) {
        ignored(() -> {
            call.run();
            return null;
        });
    }
}
