package io.walgate.adapter.sqs.read;

import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS backend's {@link LogReader}: each subscription is an {@link SqsSubscription} long-polling
 * the namespace's queue on a thread of its own. The client and the appender that re-enqueues
 * retries are shared by every subscription.
 */
public final class SqsLogReader implements LogReader {
    private final SqsClient sqs;
    private final LogAppender requeue;
    private final Clock clock;
    private final int waitSeconds;

    /**
     * @param sqs not closed by this reader
     * @param requeue closed with this reader
     * @param waitSeconds each receive's long poll (1..20); also how long a stop may take
     */
    public SqsLogReader(SqsClient sqs, LogAppender requeue, Clock clock, int waitSeconds) {
        this.sqs = sqs;
        this.requeue = requeue;
        this.clock = clock;
        this.waitSeconds = waitSeconds;
    }

    @Override
    public BackendType backend() {
        return BackendType.SQS;
    }

    @Override
    public Subscription open(
            NamespaceSpec namespace, String region, Supplier<EntryHandler> handlers, DeliveryProgress progress) {
        // One handler: a receive's batch is applied by one thread (SQS keeps no order to split by).
        EntryHandler handler = handlers.get();
        try {
            return SubscriptionThread.start(
                    "delivery-" + namespace.name(),
                    new SqsSubscription(namespace, region, sqs, requeue, handler, progress, clock, waitSeconds));
        } catch (RuntimeException e) {
            handler.close();
            throw e;
        }
    }

    @Override
    public void close() {
        requeue.close();
    }
}
