package io.walgate.consumers.targets.kafka;

import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces each entry to a topic, possibly on another cluster: key = the entry's key, value = the
 * payload (a {@code DELETE} is a tombstone, for compacted topics), headers {@code walgate-entry-id},
 * {@code traceparent} and the user headers. The producer is idempotent with {@code acks=all}; an
 * apply is done when the record is acknowledged.
 *
 * <p>Kafka has no way to refuse a record already written, so a redelivered entry is produced again:
 * readers of the topic that need effectively-once use the {@code walgate-entry-id} header.
 *
 * <p>The topic is the entry's {@code target.options.topic}, else the region's {@code
 * options.topic}. Retriable Kafka errors and timeouts are transient; others (an unknown topic,
 * authorization, a record too large) permanent.
 */
final class KafkaTarget implements Target {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final String defaultTopic;
    private final Predicate<String> walgateTopic;

    /** @param url {@code kafka://host:port[,host:port…]} */
    KafkaTarget(URI url, String defaultTopic, Predicate<String> walgateTopic) {
        this(
                new KafkaProducer<>(
                        Map.of(
                                "bootstrap.servers",
                                url.getRawSchemeSpecificPart()
                                        .replaceFirst("^//", "")
                                        .replaceAll("/.*$", ""),
                                "acks",
                                "all",
                                "enable.idempotence",
                                true,
                                "max.block.ms",
                                (int) TIMEOUT.toMillis(),
                                "delivery.timeout.ms",
                                (int) TIMEOUT.toMillis(),
                                "request.timeout.ms",
                                (int) TIMEOUT.toMillis() - 1000,
                                "client.id",
                                "walgate-kafka-target"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer()),
                defaultTopic,
                walgateTopic);
    }

    KafkaTarget(Producer<byte[], byte[]> producer, String defaultTopic, Predicate<String> walgateTopic) {
        this.producer = producer;
        this.defaultTopic = defaultTopic;
        this.walgateTopic = walgateTopic;
    }

    @Override
    public Applied apply(Envelope entry) {
        String topic = entry.target().options().getOrDefault("topic", defaultTopic);
        if (topic == null || topic.isBlank()) {
            return Applied.permanent("NO_TOPIC", "neither the entry nor the region's target options name a topic");
        }
        if (walgateTopic.test(topic)) {
            // A record here would be read as an entry of that namespace, past its writers.
            return Applied.permanent("KAFKA_WALGATE_TOPIC", "'" + topic + "' is one of Walgate's own topics");
        }
        String key = entry.effectiveKey();
        RecordHeaders headers = new RecordHeaders();
        headers.add("walgate-entry-id", entry.id().toString().getBytes(StandardCharsets.UTF_8));
        if (entry.traceparent() != null) {
            headers.add("traceparent", entry.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        entry.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        byte[] value = entry.target().op() == TargetOp.DELETE ? null : entry.payload();
        try {
            producer.send(new ProducerRecord<>(
                            topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers))
                    .get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            return Applied.done();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String code = "KAFKA_" + cause.getClass().getSimpleName().replace("Exception", "");
            return cause instanceof RetriableException
                            || cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? Applied.retry(code, cause.getMessage())
                    : Applied.permanent(code, cause.getMessage());
        } catch (TimeoutException e) {
            return Applied.retry("KAFKA_TIMEOUT", "no acknowledgement within " + TIMEOUT);
        } catch (KafkaException e) {
            // send() itself: metadata not available in time (an unknown topic lands here too).
            return Applied.retry("KAFKA_" + e.getClass().getSimpleName().replace("Exception", ""), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Applied.retry("INTERRUPTED", "the worker is stopping");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
