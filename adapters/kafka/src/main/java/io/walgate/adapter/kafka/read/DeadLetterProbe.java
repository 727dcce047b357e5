package io.walgate.adapter.kafka.read;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A DLQ's depth for the backlog report, asked without holding up the delivery thread.
 *
 * <ol>
 *   <li>{@link #latest()} never blocks: it returns the last answer (-1 before the first, and after
 *       a failed ask) and starts a new ask at most once per {@code every}, and never while one is
 *       still open: a broker that does not answer costs one open request, not one per report.
 *   <li>{@link #answered()} says an answer came since the last {@link #latest()}, so that the
 *       delivery reports it at once instead of a report later.
 *   <li>Thread-safe: answers arrive on the asker's own thread.
 * </ol>
 */
final class DeadLetterProbe {
    private final Supplier<CompletionStage<Long>> ask;
    private final Clock clock;
    private final Duration every;
    private final AtomicLong last = new AtomicLong(-1);
    private final AtomicBoolean asking = new AtomicBoolean();
    private final AtomicBoolean answered = new AtomicBoolean();
    private Instant nextAsk = Instant.MIN;

    DeadLetterProbe(Supplier<CompletionStage<Long>> ask, Clock clock, Duration every) {
        this.ask = ask;
        this.clock = clock;
        this.every = every;
    }

    /** The last answer, -1 when none is known; asks again when due. Called on one thread. */
    long latest() {
        answered.set(false);
        Instant now = clock.instant();
        if (!now.isBefore(nextAsk) && asking.compareAndSet(false, true)) {
            nextAsk = now.plus(every);
            try {
                ask.get().whenComplete((depth, failure) -> {
                    last.set(failure == null ? depth : -1);
                    asking.set(false);
                    answered.set(true);
                });
            } catch (RuntimeException e) {
                last.set(-1);
                asking.set(false);
            }
        }
        return last.get();
    }

    /** Whether an answer came since the last {@link #latest()}. */
    boolean answered() {
        return answered.get();
    }
}
