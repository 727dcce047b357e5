package io.walgate.contract.namespace;

import java.time.Duration;

/**
 * Per-namespace limits.
 *
 * @param maxPayloadBytes the largest payload a write may carry (default 1 MiB, at most 16 MiB)
 * @param writesPerSecond sustained writes per second across gateways (default 5000); a mutation
 *     counts as one write
 * @param dedupWindow how long an idempotency key is remembered (default PT24H, zero turns dedup
 *     off, at most P7D)
 * @param maxMutationItems the most items one mutation ({@code MutateItems}) may hold (default 1000,
 *     at most 100000)
 * @param maxMutationBytes the most payload bytes one mutation's items may hold together (default
 *     16 MiB, at most 256 MiB); each item also keeps {@code maxPayloadBytes}
 */
public record Limits(
        Integer maxPayloadBytes,
        Integer writesPerSecond,
        Duration dedupWindow,
        Integer maxMutationItems,
        Integer maxMutationBytes) {
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    public static final int MAX_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_WRITES_PER_SECOND = 5000;
    public static final int MAX_WRITES_PER_SECOND = 1_000_000;
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);
    public static final Duration MAX_DEDUP_WINDOW = Duration.ofDays(7);
    public static final int DEFAULT_MAX_MUTATION_ITEMS = 1000;
    public static final int MAX_MAX_MUTATION_ITEMS = 100_000;
    public static final int DEFAULT_MAX_MUTATION_BYTES = 16 * 1024 * 1024;
    public static final int MAX_MAX_MUTATION_BYTES = 256 * 1024 * 1024;

    /** Limits that leave the mutation limits to their defaults. */
    public Limits(Integer maxPayloadBytes, Integer writesPerSecond, Duration dedupWindow) {
        this(maxPayloadBytes, writesPerSecond, dedupWindow, null, null);
    }

    public static Limits defaults() {
        return new Limits(
                DEFAULT_MAX_PAYLOAD_BYTES,
                DEFAULT_WRITES_PER_SECOND,
                DEFAULT_DEDUP_WINDOW,
                DEFAULT_MAX_MUTATION_ITEMS,
                DEFAULT_MAX_MUTATION_BYTES);
    }

    public Limits withDefaults() {
        return new Limits(
                maxPayloadBytes != null ? maxPayloadBytes : DEFAULT_MAX_PAYLOAD_BYTES,
                writesPerSecond != null ? writesPerSecond : DEFAULT_WRITES_PER_SECOND,
                dedupWindow != null ? dedupWindow : DEFAULT_DEDUP_WINDOW,
                maxMutationItems != null ? maxMutationItems : DEFAULT_MAX_MUTATION_ITEMS,
                maxMutationBytes != null ? maxMutationBytes : DEFAULT_MAX_MUTATION_BYTES);
    }
}
