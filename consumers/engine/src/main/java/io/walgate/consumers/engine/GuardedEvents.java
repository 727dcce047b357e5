package io.walgate.consumers.engine;

import io.walgate.contract.entry.Envelope;
import java.lang.System.Logger.Level;
import java.time.Duration;

/** {@link DeliveryEvents#guarded}: a reporter that cannot fail the delivery it reports on. */
final class GuardedEvents implements DeliveryEvents {
    private static final System.Logger LOG = System.getLogger(GuardedEvents.class.getName());

    private final DeliveryEvents events;
    private boolean warned;

    GuardedEvents(DeliveryEvents events) {
        this.events = events;
    }

    @Override
    public void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {
        guard(() -> events.attempted(entry, outcome, code, took, lateness));
    }

    @Override
    public void backlog(long lag, long deadLetters) {
        guard(() -> events.backlog(lag, deadLetters));
    }

    @Override
    public void stall(Duration stalledFor, String detail) {
        guard(() -> events.stall(stalledFor, detail));
    }

    @Override
    public void lost(String where, long count) {
        guard(() -> events.lost(where, count));
    }

    private void guard(Runnable report) {
        try {
            report.run();
        } catch (RuntimeException e) {
            // Once at WARNING (a bug in the reporter), then quietly: it may fail for every entry.
            LOG.log(warned ? Level.DEBUG : Level.WARNING, "a delivery report failed and was dropped", e);
            warned = true;
        }
    }
}
