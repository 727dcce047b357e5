package io.walgate.support.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a JSON body that does not parse into a {@link WalException} that names the field and what
 * it takes: one place for every Walgate REST API.
 */
public final class JsonBodyErrors {
    /** Enum fields whose bad values have a code of their own. */
    private static final Map<String, ErrorCode> ENUM_CODES = Map.of(
            "backend.type", ErrorCode.INVALID_BACKEND,
            "target.type", ErrorCode.INVALID_TARGET_TYPE,
            "state", ErrorCode.INVALID_STATE,
            "target.op", ErrorCode.INVALID_TARGET);

    private JsonBodyErrors() {}

    public static WalException of(JsonProcessingException e) {
        if (e instanceof InvalidNullException nul) {
            return WalException.invalid(
                    List.of(new Violation(path(nul), ErrorCode.MALFORMED_REQUEST, "must not be null")));
        }
        if (e instanceof StreamConstraintsException tooBig) {
            return new WalException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the body holds a value larger than allowed: " + tooBig.getOriginalMessage());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown);
            return WalException.invalid(List.of(new Violation(
                    field,
                    ErrorCode.UNKNOWN_FIELD,
                    "is not a field here; known fields: "
                            + unknown.getKnownPropertyIds().stream()
                                    .map(Object::toString)
                                    .sorted()
                                    .collect(Collectors.joining(", ")))));
        }
        if (e instanceof InvalidFormatException bad) {
            String field = path(bad);
            Class<?> target = bad.getTargetType();
            if (target == Duration.class) {
                return WalException.invalid(List.of(new Violation(
                        field, ErrorCode.INVALID_DURATION, "must be an ISO-8601 duration such as PT30S or P7D")));
            }
            if (target == Instant.class) {
                return WalException.invalid(List.of(new Violation(
                        field,
                        field.contains("lifecycle") ? ErrorCode.INVALID_LIFECYCLE : ErrorCode.MALFORMED_REQUEST,
                        "must be an ISO-8601 instant such as 2026-12-02T10:00:00Z")));
            }
            if (target != null && target.isEnum()) {
                return WalException.invalid(List.of(new Violation(
                        field,
                        ENUM_CODES.getOrDefault(field, ErrorCode.MALFORMED_REQUEST),
                        "must be one of " + List.of(target.getEnumConstants()) + "; got '" + bad.getValue() + "'")));
            }
            return WalException.invalid(List.of(new Violation(
                    field,
                    ErrorCode.MALFORMED_REQUEST,
                    "has the wrong type: " + withoutClassNames(bad.getOriginalMessage()))));
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping);
            ErrorCode code = mapping.getCause() instanceof DateTimeParseException
                    ? ErrorCode.INVALID_DURATION
                    : ErrorCode.MALFORMED_REQUEST;
            String why = mapping instanceof ValueInstantiationException
                    ? "a value in it is missing or not allowed here" // the exception names our classes
                    : withoutClassNames(mapping.getOriginalMessage());
            return WalException.invalid(List.of(new Violation(field, code, "cannot be read: " + why)));
        }
        return new WalException(
                ErrorCode.MALFORMED_REQUEST,
                "the body is not valid JSON: " + withoutClassNames(e.getOriginalMessage())
                        + (e.getLocation() != null
                                ? " (line " + e.getLocation().getLineNr() + ", column "
                                        + e.getLocation().getColumnNr() + ")"
                                : ""));
    }

    /**
     * Jackson's message with Java type names cut to their simple names: a caller learns what kind of
     * value was expected ({@code Integer}), not how the server is built.
     */
    static String withoutClassNames(String message) {
        return message == null ? "" : QUALIFIED.matcher(message).replaceAll("$1");
    }

    private static final Pattern QUALIFIED =
            Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_]*)(?:\\$[A-Za-z0-9_$]*)?");

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "$" : path.toString();
    }
}
