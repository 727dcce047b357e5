package io.walgate.adapter.spi;

import io.walgate.contract.entry.Envelope;
import java.time.Instant;
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

    private static void put(Map<String, String> h, String name, String value) {
        if (value != null) {
            h.put(name, value);
        }
    }
}
