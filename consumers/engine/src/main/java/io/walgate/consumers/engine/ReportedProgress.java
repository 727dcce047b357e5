package io.walgate.consumers.engine;

import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeliveryProgress;
import java.time.Clock;

/**
 * The engine's {@link DeliveryProgress}: a subscription's reports go through the {@link StallWatch}
 * (which tells a stall from a slow or idle delivery, and logs its start and end) to the worker's
 * {@link DeliveryEvents}, guarded so that metrics code can never fail a delivery.
 */
public final class ReportedProgress implements DeliveryProgress {
    private final StallWatch stall;
    private final DeliveryEvents events;
    private final DeadLetterIndex index;

    /** @param name the namespace and region, for the log: {@code orders (eu)} */
    public ReportedProgress(String name, DeliveryEvents events, Clock clock) {
        this(name, events, null, clock);
    }

    /** @param index where dead letters are recorded; null: nowhere but the DLQ */
    public ReportedProgress(String name, DeliveryEvents events, DeadLetterIndex index, Clock clock) {
        this.stall = new StallWatch(name, clock);
        this.events = DeliveryEvents.guarded(events);
        this.index = index;
    }

    @Override
    public void progressed() {
        stall.progressed();
    }

    @Override
    public void failed(String error) {
        stall.failed(error);
    }

    @Override
    public void position(long dueLag, String where) {
        stall.observe(dueLag, where);
        events.stall(stall.stalledFor(), stall.detail());
    }

    @Override
    public void backlog(long lag, long deadLetters) {
        events.backlog(lag, deadLetters);
    }

    @Override
    public void lost(String where, long count) {
        events.lost(where, count);
    }

    @Override
    public void deadLettered(DeadLettered letter) {
        if (index != null) {
            index.record(letter);
        }
    }
}
