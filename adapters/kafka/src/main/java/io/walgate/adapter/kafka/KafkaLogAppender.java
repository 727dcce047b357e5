package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Appends to Kafka with one shared idempotent producer ({@code acks=all}): the record key is the
 * partition key, the value the encoded envelope; an entry due later goes to its delay tier.
 *
 * <p>Errors are read conservatively: only an error that proves the broker never took the record is
 * {@link Durability#FALSE}; a timeout or a network error may come after the broker wrote it, so it
 * is {@link Durability#UNKNOWN}.
 */
final class KafkaLogAppender implements LogAppender {
    static final String ENTRY_ID_HEADER = "walgate-entry-id";
    static final String DELIVER_AT_HEADER = "walgate-deliver-at";
    static final String TRACEPARENT_HEADER = "traceparent";

    private final Producer<byte[], byte[]> producer;
    private final Clock clock;

    /** Bytes of a request kept for the envelope's other fields, the record key and headers. */
    static final int ENVELOPE_ROOM = 64 * 1024;

    private final int maxInlinePayloadBytes;

    /** @param maxInlinePayloadBytes the producer's {@code max.request.size} less {@link #ENVELOPE_ROOM} */
    KafkaLogAppender(Producer<byte[], byte[]> producer, Clock clock, int maxInlinePayloadBytes) {
        this.maxInlinePayloadBytes = maxInlinePayloadBytes;
        this.producer = producer;
        this.clock = clock;
    }

    @Override
    public int maxInlinePayloadBytes() {
        return maxInlinePayloadBytes;
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public CompletionStage<AppendReceipt> append(NamespaceSpec namespace, Envelope envelope) {
        String topic = route(namespace.backend().topic(), envelope);
        RecordHeaders headers = new RecordHeaders();
        headers.add(ENTRY_ID_HEADER, envelope.id().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(
                DELIVER_AT_HEADER,
                Long.toString(envelope.deliverAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        if (envelope.traceparent() != null) {
            headers.add(TRACEPARENT_HEADER, envelope.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        byte[] key =
                envelope.partitionKey() == null ? null : envelope.partitionKey().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, key, EnvelopeCodec.encode(envelope), headers);

        CompletableFuture<AppendReceipt> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    result.complete(new AppendReceipt(topic, metadata.partition() + "-" + metadata.offset()));
                } else {
                    result.completeExceptionally(classify(topic, error));
                }
            });
        } catch (RuntimeException e) {
            // Thrown before the record was handed to the network: it cannot be in the log.
            result.completeExceptionally(new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.FALSE,
                    "cannot send to " + topic + ": " + e.getMessage(),
                    e));
        }
        return result;
    }

    /** The main topic, or the delay tier the entry waits in. */
    private String route(String logTopic, Envelope envelope) {
        Duration remaining = Duration.between(clock.instant(), envelope.deliverAt());
        return KafkaDelayTiers.tierFor(remaining)
                .map(tier -> KafkaDelayTiers.topicName(logTopic, tier))
                .orElse(logTopic);
    }

    static AppendException classify(String topic, Exception error) {
        if (error instanceof RecordTooLargeException) {
            return new AppendException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    Durability.FALSE,
                    "the entry is larger than " + topic + " accepts",
                    error);
        }
        if (error instanceof TimeoutException || error instanceof NotEnoughReplicasAfterAppendException) {
            return new AppendException(
                    ErrorCode.BACKEND_TIMEOUT,
                    Durability.UNKNOWN,
                    "Kafka did not confirm the write to " + topic + " in time; it may or may not be in the log",
                    error);
        }
        if (error instanceof RetriableException) {
            return new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.UNKNOWN,
                    "Kafka failed the write to " + topic + " after retrying: " + error.getMessage(),
                    error);
        }
        return new AppendException(
                ErrorCode.BACKEND_UNAVAILABLE,
                Durability.FALSE,
                "Kafka refused the write to " + topic + ": " + error.getMessage(),
                error);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
