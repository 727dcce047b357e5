package io.walgate.adapter.spi;

import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a dead letter says about itself next to its envelope: Kafka record headers, SQS message
 * attributes. The same names on both, so that tools (and people) can filter a DLQ without decoding
 * envelopes. The envelope's own {@code history} carries the same facts.
 */
public final class DeadLetterHeaders {
    private DeadLetterHeaders() {}

    /**
     * @param dead the entry with its failure recorded; null when the record could not even be
     *     decoded
     */
    public static Map<String, String> of(Envelope dead, String code, String message, String region, Instant at) {
        Map<String, String> h = new LinkedHashMap<>();
        put(h, "walgate-error-code", code);
        put(h, "walgate-error-message", message);
        put(h, "walgate-region", region);
        put(h, "walgate-dead-at", at.toString());
        if (dead != null) {
            put(h, "walgate-entry-id", dead.id().toString());
            put(h, "walgate-attempts", Integer.toString(dead.attempt()));
            put(h, "walgate-accepted-at", dead.acceptedAt().toString());
            if (dead.history() != null) {
                put(h, "walgate-first-error-code", dead.history().firstErrorCode());
                put(h, "walgate-first-error-message", dead.history().firstErrorMessage());
                put(h, "walgate-first-failed-at", dead.history().firstFailedAt().toString());
            }
        }
        return h;
    }

    /**
     * The index entry of a dead letter read back from its DLQ (the index's rebuild): from {@code
     * headers} as {@link #of} wrote them, and from {@code entry} (its decoded envelope, null when
     * it is none) for what headers do not carry. A record without headers (moved by SQS's redrive
     * policy, or written before they existed) gets region {@code unknown}, error code {@code
     * UNKNOWN} and {@code fallbackDeadAt}.
     */
    public static DeadLettered read(
            Map<String, String> headers,
            Envelope entry,
            String namespace,
            Instant fallbackDeadAt,
            DeadLettered.Place at) {
        String deadAt = headers.get("walgate-dead-at");
        String acceptedAt = headers.get("walgate-accepted-at");
        String attempts = headers.get("walgate-attempts");
        return new DeadLettered(
                namespace,
                headers.getOrDefault("walgate-region", "unknown"),
                entry != null ? entry.id().toString() : headers.get("walgate-entry-id"),
                entry == null ? null : entry.partitionKey(),
                entry == null || entry.target() == null ? null : entry.target().key(),
                headers.get("walgate-first-error-code"),
                headers.get("walgate-first-error-message"),
                headers.getOrDefault("walgate-error-code", "UNKNOWN"),
                headers.get("walgate-error-message"),
                attempts != null ? parseInt(attempts) : entry == null ? 0 : entry.attempt(),
                acceptedAt != null ? parseInstant(acceptedAt, null) : entry == null ? null : entry.acceptedAt(),
                deadAt != null ? parseInstant(deadAt, fallbackDeadAt) : fallbackDeadAt,
                at);
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant parseInstant(String text, Instant otherwise) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }

    private static void put(Map<String, String> h, String name, String value) {
        if (value != null) {
            h.put(name, value);
        }
    }
}
