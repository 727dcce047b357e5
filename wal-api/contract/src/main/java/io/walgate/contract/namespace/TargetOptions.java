package io.walgate.contract.namespace;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.Optional;

/**
 * The target options whose values are checked, and the ranges they must keep: durations, and an HTTP
 * target's path. Checked where a value enters
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

    /**
     * What is wrong with an HTTP target's {@code path} option; empty when it is fine. Its segments
     * are sent percent-encoded (a {@code ?} or {@code #} stays part of the path), but a {@code .},
     * a {@code ..} or an empty segment would make the request address another resource than the one
     * written (a DELETE on a parent collection), so they are refused.
     */
    public static Optional<String> pathProblem(String value) {
        String trimmed = value == null ? "" : value.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            return Optional.empty(); // no path: the key goes straight under the URL
        }
        for (String segment : trimmed.split("/", -1)) {
            Optional<String> problem = segmentProblem(segment);
            if (problem.isPresent()) {
                return Optional.of(problem.get() + " in '" + value + "'");
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with {@code segment} as one segment of an HTTP target's path (an entry's key is
     * its last); empty when it is fine.
     */
    public static Optional<String> segmentProblem(String segment) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            return Optional.of(
                    "a path segment must not be empty, '.' or '..' (it would address another" + " resource)");
        }
        if (segment.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("a path segment must not hold control characters");
        }
        return Optional.empty();
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
