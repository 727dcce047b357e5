package io.walgate.adapter.spi;

import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.Objects;

/**
 * A dead letter the DLQ has acknowledged, and where it sits there: what a reader reports ({@link
 * DeliveryProgress#deadLettered}) so that operators can find, filter and act on dead letters without
 * scanning a topic or draining a queue. The DLQ keeps the bytes; this is their index entry.
 *
 * @param entryId null when the record was no envelope ({@code MALFORMED_ENVELOPE})
 * @param partitionKey the entry's partition key, if any
 * @param targetKey the key the entry addressed at its target, if it named one
 * @param firstErrorCode the entry's first failure; its last one when it failed once
 * @param errorCode why it was dead-lettered (its last failure)
 * @param attempts how many attempts it had; 0 when it was no envelope
 * @param acceptedAt when the gateway accepted it; null when it was no envelope
 * @param at where the DLQ holds it
 */
public record DeadLettered(
        String namespace,
        String region,
        String entryId,
        String partitionKey,
        String targetKey,
        String firstErrorCode,
        String firstErrorMessage,
        String errorCode,
        String errorMessage,
        int attempts,
        Instant acceptedAt,
        Instant deadAt,
        Place at) {

    public DeadLettered {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(deadAt, "deadAt");
        Objects.requireNonNull(at, "at");
        errorMessage = errorMessage == null ? "" : errorMessage;
        if (firstErrorCode == null) {
            firstErrorCode = errorCode;
            firstErrorMessage = errorMessage;
        }
    }

    /**
     * Where a dead letter sits: a Kafka record (topic, partition, offset) or an SQS message (queue
     * name, message id).
     */
    public record Place(String queue, int partition, long offset, String messageId) {
        public Place {
            Objects.requireNonNull(queue, "queue");
            if ((messageId == null) == (partition < 0 || offset < 0)) {
                throw new IllegalArgumentException("a place is a partition and offset, or a message id");
            }
        }

        public static Place kafka(String topic, int partition, long offset) {
            return new Place(topic, partition, offset, null);
        }

        public static Place sqs(String queue, String messageId) {
            return new Place(queue, -1, -1, messageId);
        }
    }

    /**
     * The index entry of {@code entry} (null when the record was no envelope), dead-lettered with
     * {@code code} and {@code message} at {@code deadAt}, now at {@code place}.
     */
    public static DeadLettered of(
            String namespace, String region, Envelope entry, String code, String message, Instant deadAt, Place place) {
        if (entry == null) {
            return new DeadLettered(
                    namespace, region, null, null, null, null, null, code, message, 0, null, deadAt, place);
        }
        var history = entry.history();
        return new DeadLettered(
                namespace,
                region,
                entry.id().toString(),
                entry.partitionKey(),
                entry.target() == null ? null : entry.target().key(),
                history == null ? null : history.firstErrorCode(),
                history == null ? null : history.firstErrorMessage(),
                code,
                message,
                entry.attempt(),
                entry.acceptedAt(),
                deadAt,
                place);
    }
}
