package io.walgate.contract.namespace;

import java.text.Normalizer;
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
     * What is wrong with an HTTP target's {@code path} option; empty when it is fine. The path is
     * given unencoded, and each of its segments is sent percent-encoded (a {@code ?} or {@code #}
     * stays part of the path), so a {@code %} is refused: a path given already encoded would be
     * encoded twice and name another resource. An empty segment is refused too, and what {@link
     * #segmentProblem} refuses.
     */
    public static Optional<String> pathProblem(String value) {
        String trimmed = value == null ? "" : value.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            return Optional.empty(); // no path: the key goes straight under the URL
        }
        if (trimmed.indexOf('%') >= 0) {
            return Optional.of(
                    "give the path unencoded (each segment is percent-encoded when sent); got '" + value + "'");
        }
        for (String segment : trimmed.split("/", -1)) {
            Optional<String> problem =
                    segment.isEmpty() ? Optional.of("a path must not hold an empty segment") : segmentProblem(segment);
            if (problem.isPresent()) {
                return Optional.of(problem.get() + " in '" + value + "'");
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with {@code segment} as one segment of an HTTP target's path (an entry's key is
     * its last); empty when it is fine. It is sent percent-encoded, but servers and proxies that
     * decode {@code %2F} or {@code %5C} and then resolve dot-segments would read {@code x/../..} as
     * two levels up: so no part of it between slashes or backslashes may be {@code .} or {@code ..},
     * also once Unicode-normalised (U+2025 is {@code ..} under NFKC).
     */
    public static Optional<String> segmentProblem(String segment) {
        if (segment.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("a path segment must not hold control characters");
        }
        for (String part : Normalizer.normalize(segment, Normalizer.Form.NFKC).split("[/\\\\]", -1)) {
            if (part.equals(".") || part.equals("..")) {
                return Optional.of("no part of a path segment between slashes may be '.' or '..' (it would"
                        + " address another resource); got '" + segment + "'");
            }
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
