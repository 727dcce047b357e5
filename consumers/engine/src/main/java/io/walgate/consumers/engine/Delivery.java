package io.walgate.consumers.engine;

/**
 * One namespace's log delivered to one region's target, run on a thread of its own until {@link
 * #stop()}. A stop finishes the entry (Kafka) or batch (SQS) in hand and returns from {@link #run()}
 * soon after; whatever is not yet committed or deleted is delivered again by the next worker.
 */
public interface Delivery extends Runnable {
    void stop();
}
