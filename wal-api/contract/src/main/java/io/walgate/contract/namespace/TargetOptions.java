package io.walgate.contract.namespace;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.Optional;

/**
 * The duration-valued target options, and the ranges they must keep. Checked where a value enters
 * Walgate (the controller for a region's options, the gateway for an entry's), so that a worker never
 * meets a value its datastore's arithmetic cannot hold: a {@code ttl} of {@code P200000000000D}
 * overflows {@link Duration#toMillis()} and once stalled every key of its namespace.
 */
public final class TargetOptions {
    /** Redis {@code ttl}: a key kept a century is kept for ever; no TTL at all is the way to say that. */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);
    /** HTTP and {@code wal} {@code timeout}: the whole exchange, per entry. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private TargetOptions() {}

    /** What is wrong with a {@code ttl} option; empty when it is fine. */
    public static Optional<String> ttlProblem(String value) {
        return rangeProblem(value, MAX_TTL);
    }

    /** What is wrong with a {@code timeout} option; empty when it is fine. */
    public static Optional<String> timeoutProblem(String value) {
        return rangeProblem(value, MAX_TIMEOUT);
    }

    private static Optional<String> rangeProblem(String value, Duration max) {
        Duration d;
        try {
            d = Duration.parse(value == null ? "" : value);
        } catch (DateTimeException e) {
            return Optional.of("must be an ISO-8601 duration such as PT1H; got '" + value + "'");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            return Optional.of("must be more than zero and at most " + max + "; got " + value);
        }
        return Optional.empty();
    }
}
