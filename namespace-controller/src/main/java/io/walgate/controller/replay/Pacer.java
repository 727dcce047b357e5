package io.walgate.controller.replay;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Spaces a job's entries evenly at its rate, whatever the batch size, so that the rate an operator
 * asks for is the rate the target sees. Time lost between batches (reading the DLQ, recording
 * progress) is made up, up to {@link #CATCH_UP}: a longer pause (a wait for a paused namespace) is
 * not, so the largest burst is a tenth of a second's worth of entries.
 */
final class Pacer {
    /** How the pacer waits; a test passes one that only moves its clock. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final long CATCH_UP = TimeUnit.MILLISECONDS.toNanos(100);

    private final long nanosPerEntry;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long next;
    private boolean started;

    Pacer(int ratePerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 per second: " + ratePerSecond);
        }
        this.nanosPerEntry = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    static Pacer of(int ratePerSecond) {
        return new Pacer(ratePerSecond, System::nanoTime, nanos -> {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        });
    }

    /** Waits until the next entry may go. */
    void acquire() throws InterruptedException {
        long now = nanoTime.getAsLong();
        if (!started || now - next > Math.max(CATCH_UP, nanosPerEntry)) {
            // First entry, or idle for longer than may be made up: start afresh.
            started = true;
            next = now;
        }
        while (next - now > 0) {
            sleeper.sleepNanos(next - now);
            now = nanoTime.getAsLong();
        }
        next += nanosPerEntry;
    }
}
