package io.walgate.contract.namespace;

import java.time.Duration;

/**
 * Per-namespace limits.
 *
 * @param maxPayloadBytes the largest payload a write may carry (default 1 MiB, at most 16 MiB)
 * @param writesPerSecond sustained writes per second across gateways (default 5000)
 * @param dedupWindow how long an idempotency key is remembered (default PT24H, zero turns dedup
 *     off, at most P7D)
 */
public record Limits(Integer maxPayloadBytes, Integer writesPerSecond, Duration dedupWindow) {
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    public static final int MAX_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_WRITES_PER_SECOND = 5000;
    public static final int MAX_WRITES_PER_SECOND = 1_000_000;
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);
    public static final Duration MAX_DEDUP_WINDOW = Duration.ofDays(7);

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_WRITES_PER_SECOND, DEFAULT_DEDUP_WINDOW);
    }

    public Limits withDefaults() {
        return new Limits(
                maxPayloadBytes != null ? maxPayloadBytes : DEFAULT_MAX_PAYLOAD_BYTES,
                writesPerSecond != null ? writesPerSecond : DEFAULT_WRITES_PER_SECOND,
                dedupWindow != null ? dedupWindow : DEFAULT_DEDUP_WINDOW);
    }
}
