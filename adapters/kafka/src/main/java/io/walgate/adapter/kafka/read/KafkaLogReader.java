package io.walgate.adapter.kafka.read;

import io.walgate.adapter.kafka.KafkaClientConfigs;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka backend's {@link LogReader}: each subscription is a {@link KafkaSubscription} on a thread
 * of its own, with its own consumer (group {@code walgate.<namespace>.<region>}) and DLQ producer.
 * What the subscriptions share, it owns: the appender for retries and the Admin client that asks
 * the DLQs' depths.
 */
public final class KafkaLogReader implements LogReader {
    private final Map<String, Object> config;
    private final LogAppender retries;
    private final KafkaDeadLetters deadLetters;
    private final Clock clock;

    /**
     * @param config the operator's client settings (at least {@code bootstrap.servers}); what each
     *     client needs on top comes from {@link KafkaClientConfigs}
     * @param retries closed with this reader
     * @param deadLetters closed with this reader
     */
    public KafkaLogReader(Map<String, Object> config, LogAppender retries, KafkaDeadLetters deadLetters, Clock clock) {
        this.config = Map.copyOf(config);
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public Subscription open(NamespaceSpec namespace, String region, EntryHandler handler, DeliveryProgress progress) {
        KafkaConsumer<byte[], byte[]> consumer = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            consumer = new KafkaConsumer<>(
                    KafkaClientConfigs.deliveryConsumer(config, namespace.name(), region),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            producer = new KafkaProducer<>(
                    KafkaClientConfigs.deadLetterProducer(config),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            var loop = new KafkaSubscription(
                    namespace,
                    region,
                    consumer,
                    retries,
                    producer,
                    () -> deadLetters.depth(namespace.backend().topic()),
                    handler,
                    progress,
                    clock);
            return SubscriptionThread.start("delivery-" + namespace.name(), loop);
        } catch (RuntimeException e) {
            // Never started: close what was built for it (the caller closes its handler).
            if (producer != null) {
                producer.close();
            }
            if (consumer != null) {
                consumer.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        retries.close();
        deadLetters.close();
    }
}
