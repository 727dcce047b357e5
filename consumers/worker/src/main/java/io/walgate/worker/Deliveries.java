package io.walgate.worker;

import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.kafka.KafkaClientConfigs;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.consumers.engine.Delivery;
import io.walgate.consumers.engine.KafkaDelivery;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.consumers.engine.SqsDelivery;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Targets;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the delivery of one namespace to this worker's region, on the namespace's backend. Owns
 * what the deliveries share: the appenders that re-enqueue retries, and the worker's bearer token
 * (its controller client's), which {@code wal} targets present to the Walgate they forward to.
 */
final class Deliveries implements AutoCloseable {
    private final String region;
    private final Map<String, Object> kafka;
    private final LogAppender kafkaRetries;
    /** One Admin client for every Kafka delivery's DLQ depth, asked off the delivery threads. */
    private final KafkaDeadLetters kafkaDeadLetters;

    private final SqsClient sqs;
    private final LogAppender sqsRetries;
    private final int sqsWaitSeconds;
    private final Supplier<PayloadStore> payloads;
    private final DeliveryMetrics metrics;
    private final Supplier<Optional<String>> token;

    Deliveries(
            String region,
            Map<String, Object> kafka,
            SqsClient sqs,
            int sqsWaitSeconds,
            Supplier<PayloadStore> payloads,
            DeliveryMetrics metrics,
            Supplier<Optional<String>> token) {
        this.region = region;
        this.kafka = Map.copyOf(kafka);
        this.kafkaRetries = KafkaAdapters.appender(kafka);
        this.kafkaDeadLetters = KafkaDeadLetters.of(kafka);
        this.sqs = sqs;
        this.sqsRetries = SqsAdapters.appender(sqs, 4);
        this.sqsWaitSeconds = sqsWaitSeconds;
        this.payloads = payloads;
        this.metrics = metrics;
        this.token = token;
    }

    /** A delivery of {@code spec}, which must have a target in this worker's region. */
    Delivery create(NamespaceSpec spec) {
        var target = Targets.of(spec.target().type(), spec.target().regions().get(region), token);
        try {
            return create(spec, target);
        } catch (RuntimeException e) {
            target.close(); // built for a delivery that never started
            throw e;
        }
    }

    private Delivery create(NamespaceSpec spec, Target target) {
        var events = metrics.forNamespace(spec.name(), region);
        return switch (spec.backend().type()) {
            case KAFKA -> {
                yield new KafkaDelivery(
                        spec,
                        region,
                        new KafkaConsumer<>(
                                KafkaClientConfigs.deliveryConsumer(kafka, spec.name(), region),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer()),
                        kafkaRetries,
                        new KafkaProducer<>(
                                KafkaClientConfigs.deadLetterProducer(kafka),
                                new ByteArraySerializer(),
                                new ByteArraySerializer()),
                        () -> kafkaDeadLetters.depth(spec.backend().topic()),
                        target,
                        payloads.get(),
                        events,
                        Clock.systemUTC());
            }
            case SQS ->
                new SqsDelivery(
                        spec,
                        region,
                        sqs,
                        sqsRetries,
                        target,
                        payloads.get(),
                        events,
                        Clock.systemUTC(),
                        sqsWaitSeconds);
        };
    }

    @Override
    public void close() {
        kafkaRetries.close();
        kafkaDeadLetters.close();
        sqsRetries.close();
        sqs.close();
    }
}
