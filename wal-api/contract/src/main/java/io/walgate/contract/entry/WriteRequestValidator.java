package io.walgate.contract.entry;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.TargetOptions;
import io.walgate.contract.namespace.TargetType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a write must keep against the namespace it is for. Reports every violation at once.
 *
 * <p>Existence, state and shard of the namespace are the gateway's to check before this; here
 * only the request's own content is judged.
 */
public final class WriteRequestValidator {
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 256;
    public static final int MAX_HEADERS = 64;
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Header names Walgate uses on the log itself; users may not set them. */
    public static final String RESERVED_HEADER_PREFIX = "walgate-";

    /** The range of a protobuf {@code Timestamp}, which is how the log keeps instants. */
    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Pattern CONTENT_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+(\\s*;.{0,200})?");

    private WriteRequestValidator() {}

    /**
     * Every rule {@code request} breaks against {@code namespace}, judged at {@code now}.
     *
     * @param namespace the namespace's spec, with its defaults filled in
     */
    public static List<Violation> validate(WriteRequest request, NamespaceSpec namespace, Instant now) {
        List<Violation> violations = new ArrayList<>();
        checkLifecycle(request.lifecycle(), namespace.delivery().maxDelay(), now, violations);
        checkPayload(request, namespace, violations);
        checkKeys(request, namespace, violations);
        checkTarget(request.target(), namespace, violations);
        checkHeaders(request.headers(), violations);
        if (!CONTENT_TYPE.matcher(request.contentType()).matches()) {
            violations.add(new Violation(
                    "contentType", ErrorCode.INVALID_HEADER, "must be a MIME type such as application/json"));
        }
        return violations;
    }

    /**
     * Range checks come before any arithmetic: every duration and instant here can be anything a
     * client typed (PT9223372036854775807S, year -1000000000), and a sum that overflows must be a
     * 400, not a 500 that tells the client to retry what can never succeed.
     */
    static void checkLifecycle(Lifecycle lifecycle, Duration maxDelay, Instant now, List<Violation> out) {
        Duration delay = lifecycle.delay();
        Duration jitter = lifecycle.jitter() == null ? Duration.ZERO : lifecycle.jitter();
        if (delay != null && lifecycle.deliverAt() != null) {
            out.add(new Violation(
                    "lifecycle", ErrorCode.INVALID_LIFECYCLE, "give either delay or deliverAt, not both"));
            return;
        }
        checkInstant("lifecycle.originalWriteTime", lifecycle.originalWriteTime(), out);
        if (jitter.isNegative()) {
            out.add(new Violation("lifecycle.jitter", ErrorCode.INVALID_LIFECYCLE, "must not be negative"));
            return;
        }
        if (jitter.compareTo(maxDelay) > 0) {
            out.add(new Violation(
                    "lifecycle.jitter",
                    ErrorCode.INVALID_LIFECYCLE,
                    "the jitter (" + jitter + ") exceeds the namespace's maxDelay of " + maxDelay));
            return;
        }
        if (delay != null && delay.isNegative()) {
            out.add(new Violation(
                    "lifecycle.delay", ErrorCode.INVALID_LIFECYCLE, "must not be negative; got " + delay));
            return;
        }
        if (lifecycle.deliverAt() != null && !checkInstant("lifecycle.deliverAt", lifecycle.deliverAt(), out)) {
            return;
        }
        // A deliverAt in the past is due at once (Lifecycle#dueAt); only the far end is bounded.
        // Both terms are at most maxDelay (at most a few years) here, so nothing below overflows.
        Duration wait = delay != null
                ? delay
                : lifecycle.deliverAt() != null && lifecycle.deliverAt().isAfter(now)
                        ? Duration.between(now, lifecycle.deliverAt())
                        : Duration.ZERO;
        if (wait.compareTo(maxDelay) > 0 || wait.compareTo(maxDelay.minus(jitter)) > 0) {
            String field = delay != null
                    ? "lifecycle.delay"
                    : lifecycle.deliverAt() != null ? "lifecycle.deliverAt" : "lifecycle.jitter";
            out.add(new Violation(
                    field,
                    ErrorCode.INVALID_LIFECYCLE,
                    "the wait (" + wait + (jitter.isZero() ? "" : " plus jitter " + jitter)
                            + ") exceeds the namespace's maxDelay of " + maxDelay));
        }
    }

    /** The log stores instants as protobuf timestamps: years 1 to 9999. */
    private static boolean checkInstant(String field, Instant instant, List<Violation> out) {
        if (instant != null && (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT))) {
            out.add(new Violation(
                    field,
                    ErrorCode.INVALID_LIFECYCLE,
                    "must be between " + MIN_INSTANT + " and " + MAX_INSTANT + "; got " + instant));
            return false;
        }
        return true;
    }

    private static void checkPayload(WriteRequest request, NamespaceSpec namespace, List<Violation> out) {
        int max = namespace.limits().maxPayloadBytes();
        if (request.payload().length > max) {
            out.add(new Violation(
                    "payload",
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    request.payload().length + " bytes exceed the namespace's maxPayloadBytes of " + max));
        }
        if (request.target().op() == TargetOp.DELETE && request.payload().length > 0) {
            out.add(new Violation("payload", ErrorCode.INVALID_PAYLOAD, "a DELETE carries no payload"));
        }
    }

    private static void checkKeys(WriteRequest request, NamespaceSpec namespace, List<Violation> out) {
        checkKey("partitionKey", request.partitionKey(), out);
        checkKey("target.key", request.target().key(), out);
        String key = request.effectiveKey();
        boolean needsKey = request.target().op() == TargetOp.DELETE
                || (namespace.target() != null
                        && namespace.target().type() != null
                        && namespace.target().type().requiresKey());
        boolean http = namespace.target() != null && namespace.target().type() == TargetType.HTTP;
        if (http && key != null && key.chars().noneMatch(Character::isISOControl)) { // those are refused above
            // The key is the last segment of the upstream's path.
            String from =
                    request.target().key() != null && !request.target().key().isEmpty() ? "target.key" : "partitionKey";
            TargetOptions.segmentProblem(key).ifPresent(p -> out.add(new Violation(from, ErrorCode.INVALID_KEY, p)));
        }
        if (needsKey && (key == null || key.isEmpty())) {
            out.add(new Violation(
                    "target.key",
                    ErrorCode.INVALID_KEY,
                    "is required here (give target.key or partitionKey): the target applies by key"));
        }
        checkIdempotencyKey(request.idempotencyKey(), out);
    }

    static void checkIdempotencyKey(String idem, List<Violation> out) {
        if (idem != null && (idem.isEmpty() || idem.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !isPrintableAscii(idem))) {
            out.add(new Violation(
                    "idempotencyKey",
                    ErrorCode.INVALID_KEY,
                    "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters"));
        }
    }

    private static void checkKey(String field, String key, List<Violation> out) {
        if (key == null) {
            return;
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES
                || key.chars().anyMatch(Character::isISOControl)) {
            out.add(new Violation(
                    field,
                    ErrorCode.INVALID_KEY,
                    "must be at most " + MAX_KEY_BYTES + " bytes without control characters"));
        }
    }

    private static void checkTarget(TargetOverride target, NamespaceSpec namespace, List<Violation> out) {
        if (target.options().isEmpty()
                || namespace.target() == null
                || namespace.target().type() == null) {
            return;
        }
        var allowed = namespace.target().type().entryOptions();
        for (Map.Entry<String, String> option : target.options().entrySet()) {
            if (!allowed.contains(option.getKey())) {
                out.add(new Violation(
                        "target.options." + option.getKey(),
                        ErrorCode.INVALID_TARGET,
                        "a " + namespace.target().type().name().toLowerCase(Locale.ROOT)
                                + " target lets entries set only " + allowed));
            } else if (option.getKey().equals("ttl")) {
                checkTtl(option.getValue(), out);
            } else if (option.getKey().equals("namespace")
                    && (option.getValue() == null
                            || !NamespaceSpec.NAME.matcher(option.getValue()).matches())) {
                out.add(new Violation(
                        "target.options.namespace",
                        ErrorCode.INVALID_TARGET,
                        "must be a namespace name (" + NamespaceSpec.NAME.pattern() + ")"));
            } else if (option.getKey().equals("path")) {
                TargetOptions.pathProblem(option.getValue())
                        .ifPresent(p -> out.add(new Violation("target.options.path", ErrorCode.INVALID_TARGET, p)));
            }
        }
    }

    private static void checkTtl(String value, List<Violation> out) {
        TargetOptions.ttlProblem(value)
                .ifPresent(problem -> out.add(new Violation(
                        "target.options.ttl",
                        value != null && problem.startsWith("must be an ISO")
                                ? ErrorCode.INVALID_DURATION
                                : ErrorCode.INVALID_TARGET,
                        problem)));
    }

    static void checkHeaders(Map<String, String> headers, List<Violation> out) {
        if (headers.size() > MAX_HEADERS) {
            out.add(new Violation("headers", ErrorCode.INVALID_HEADER, "at most " + MAX_HEADERS + " headers"));
            return;
        }
        int bytes = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String value = header.getValue() == null ? "" : header.getValue();
            bytes += name.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
            if (!HEADER_NAME.matcher(name).matches()) {
                out.add(new Violation(
                        "headers." + name,
                        ErrorCode.INVALID_HEADER,
                        "names are 1 to 128 of A-Z, a-z, 0-9, '.', '_' and '-'"));
            } else if (name.toLowerCase(Locale.ROOT).startsWith(RESERVED_HEADER_PREFIX)) {
                out.add(new Violation(
                        "headers." + name,
                        ErrorCode.INVALID_HEADER,
                        "the prefix '" + RESERVED_HEADER_PREFIX + "' is reserved"));
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                out.add(new Violation(
                        "headers." + name, ErrorCode.INVALID_HEADER, "values may not hold control characters"));
            }
        }
        if (bytes > MAX_HEADER_BYTES) {
            out.add(new Violation(
                    "headers",
                    ErrorCode.INVALID_HEADER,
                    "names and values together exceed " + MAX_HEADER_BYTES + " bytes"));
        }
    }

    private static boolean isPrintableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }
}
