package io.walgate.contract;

import java.util.Objects;

/**
 * One broken rule of a request or a namespace spec.
 *
 * @param field the JSON path of the offending field, e.g. {@code retry.maxBackoff}
 * @param code the stable code of the rule
 * @param message what is wrong and what is allowed, for a person
 */
public record Violation(String field, ErrorCode code, String message) {
    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message + " (" + code + ")";
    }
}
