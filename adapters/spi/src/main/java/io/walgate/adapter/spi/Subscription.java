package io.walgate.adapter.spi;

import java.time.Duration;

/** One namespace's delivery to one region, opened by a {@link LogReader}. */
public interface Subscription {
    /**
     * Asks it to stop, and returns at once. It finishes the entries in hand, settles (commits or
     * deletes) them, hands over nothing more, and closes its handlers: what it settled is never
     * handed over again. What it could not settle (a retry the log did not take back yet, a delete
     * SQS refused) is, by the next subscription. Idempotent.
     */
    void stop();

    /** Waits until it has stopped after {@link #stop()}; @return whether it had within {@code timeout} */
    boolean awaitStopped(Duration timeout) throws InterruptedException;
}
