package io.walgate.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.support.json.JsonBodyErrors;
import io.walgate.support.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** REST bodies to write requests, refusing what cannot be meant. */
final class Entries {
    private Entries() {}

    /**
     * Reads a body strictly ({@link StrictJson}): valid UTF-8, one JSON document, no duplicate keys.
     */
    static <T> T parse(ObjectMapper json, byte[] bytes, Class<T> type) {
        String body;
        try {
            body = StrictJson.utf8(bytes == null ? new byte[0] : bytes);
        } catch (StrictJson.InvalidUtf8Exception e) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, e.getMessage());
        }
        if (body.isBlank()) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, "the body must be JSON");
        }
        try {
            T value = json.readerFor(type).withAttribute(RawJson.SOURCE, body).readValue(body);
            if (value == null) {
                throw new WalException(ErrorCode.MALFORMED_REQUEST, "the body must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw JsonBodyErrors.of(e);
        }
    }

    /** A body's lifecycle; immediate when absent. */
    static Lifecycle lifecycle(EntryBody.LifecycleBody l) {
        return l == null
                ? Lifecycle.immediate()
                : new Lifecycle(l.delay(), l.deliverAt(), l.jitter(), l.originalWriteTime());
    }

    /**
     * @param namespace from the path; a body naming another namespace is refused
     * @param field the path of this entry in the body, e.g. {@code entries[3]}, for messages
     */
    static WriteRequest toRequest(String namespace, EntryBody body, String field) {
        String prefix = field.isEmpty() ? "" : field + ".";
        if (body == null) {
            throw WalException.invalid(List.of(
                    new Violation(field.isEmpty() ? "$" : field, ErrorCode.MISSING_FIELD, "an entry is required")));
        }
        if (body.namespace() != null && !body.namespace().equals(namespace)) {
            throw WalException.invalid(List.of(new Violation(
                    prefix + "namespace",
                    ErrorCode.MALFORMED_REQUEST,
                    "names '" + body.namespace() + "' but the path names '" + namespace + "'")));
        }
        byte[] payload;
        String contentType = body.contentType();
        if (body.payload() != null && body.json() != null) {
            throw WalException.invalid(List.of(new Violation(
                    prefix + "payload", ErrorCode.INVALID_PAYLOAD, "give either payload (base64) or json, not both")));
        } else if (body.json() != null) {
            payload = body.json().text().getBytes(StandardCharsets.UTF_8);
            contentType = contentType == null ? "application/json" : contentType;
        } else if (body.payload() != null) {
            try {
                payload = Base64.getDecoder().decode(body.payload());
            } catch (IllegalArgumentException e) {
                throw WalException.invalid(List.of(new Violation(
                        prefix + "payload", ErrorCode.INVALID_PAYLOAD, "is not valid base64: " + e.getMessage())));
            }
        } else {
            payload = new byte[0];
        }
        Lifecycle lifecycle = lifecycle(body.lifecycle());
        EntryBody.TargetBody t = body.target();
        TargetOverride target = t == null ? null : new TargetOverride(t.key(), t.op(), t.options());
        return new WriteRequest(
                namespace,
                lifecycle,
                payload,
                target,
                body.partitionKey(),
                body.idempotencyKey(),
                body.headers(),
                contentType);
    }
}
