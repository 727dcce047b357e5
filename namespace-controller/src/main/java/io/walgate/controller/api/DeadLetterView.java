package io.walgate.controller.api;

import io.walgate.contract.entry.Replay;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A dead letter as operators see it: which entry, why, when, and where its DLQ holds it; its
 * contents only when asked for ({@code include=payload}), because payloads may be personal data.
 *
 * @param entryId null when the record was no envelope (error code {@code MALFORMED_ENVELOPE})
 * @param entry what the DLQ holds, with {@code include=payload} only
 */
public record DeadLetterView(
        String entryId,
        String region,
        String partitionKey,
        String targetKey,
        Failure firstError,
        Failure lastError,
        int attempts,
        Instant acceptedAt,
        Instant deadAt,
        Location location,
        Contents entry) {

    public record Failure(String code, String message) {}

    /** Kafka: topic, partition and offset; SQS: queue and message id. */
    public record Location(String dlq, Integer partition, Long offset, String messageId) {}

    /**
     * The dead letter's contents as its DLQ holds them.
     *
     * @param payload base64; for a payload stored aside ({@code payloadRef}), redeemed from the
     *     gateway's database when it can be
     * @param payloadRef where a large payload is stored (claim check), and its size
     * @param payloadUnavailable why a payload stored aside is not shown
     * @param record the record's bytes in base64, when they are no envelope
     * @param missing why there is nothing: the DLQ no longer holds the record (retention)
     * @param replays the replays that put it back on the log before it died this time (job, actor,
     *     time), oldest first; absent when none did
     */
    public record Contents(
            String contentType,
            Map<String, String> headers,
            Target target,
            Instant deliverAt,
            String idempotencyKey,
            String traceparent,
            String payload,
            PayloadRef payloadRef,
            String payloadUnavailable,
            String record,
            String missing,
            List<Replay> replays) {}

    public record Target(String key, String op, Map<String, String> options) {}

    public record PayloadRef(String store, int size) {}
}
