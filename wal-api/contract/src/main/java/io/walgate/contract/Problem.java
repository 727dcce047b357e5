package io.walgate.contract;

import java.util.List;
import java.util.Locale;

/**
 * An error response body, RFC 9457 {@code application/problem+json}, the same from every Walgate
 * REST API.
 *
 * @param type {@code urn:walgate:problem:<CODE>}
 * @param title the code in words, e.g. "Namespace not found"
 * @param status the HTTP status
 * @param detail what went wrong in this request, for a person
 * @param code the stable code; clients branch on this, never on text
 * @param durable for writes: whether the entry may be in the log; null elsewhere
 * @param violations every broken rule, for validation failures; empty otherwise
 * @param instance the request path
 * @param entryId for writes: the entry's id whenever it is known (always with UNKNOWN), else null
 */
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        ErrorCode code,
        Durability durable,
        List<Violation> violations,
        String instance,
        String entryId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** The problem for {@code e}; {@code durable} is included only for calls that write entries. */
    public static Problem of(WalException e, String instance, boolean writeCall) {
        return new Problem(
                "urn:walgate:problem:" + e.code().name(),
                title(e.code()),
                e.code().httpStatus(),
                e.getMessage(),
                e.code(),
                writeCall ? e.durability() : null,
                e.violations(),
                instance,
                null);
    }

    /** The same problem about the entry {@code id}. */
    public Problem withEntryId(String id) {
        return new Problem(type, title, status, detail, code, durable, violations, instance, id);
    }

    /** The same problem answered with another HTTP status (404 for an unknown path, say). */
    public Problem withStatus(int newStatus) {
        return new Problem(type, title, newStatus, detail, code, durable, violations, instance, entryId);
    }

    static String title(ErrorCode code) {
        String words = code.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
