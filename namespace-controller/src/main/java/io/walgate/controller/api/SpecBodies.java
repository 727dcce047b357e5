package io.walgate.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.support.json.JsonBodyErrors;
import io.walgate.support.json.StrictJson;

/**
 * A request body as a namespace spec (or another request's JSON), read so that what is stored is
 * exactly what was sent.
 *
 * <ol>
 *   <li>The bytes are UTF-8, checked byte by byte: nothing becomes U+FFFD.
 *   <li>The JSON is strict ({@link StrictJson}, configured on the controller's mapper).
 *   <li>No string holds an unpaired surrogate ({@code "\ud800"} is valid JSON but no character):
 *       PostgreSQL's client would store it as {@code ?}, silently.
 * </ol>
 *
 * Each refusal is {@code 400} with a code; none reaches storage.
 */
final class SpecBodies {
    private SpecBodies() {}

    static NamespaceSpec read(ObjectMapper json, byte[] bytes) {
        return read(json, bytes, NamespaceSpec.class, "a namespace spec");
    }

    /** A body of another request, read by the same rules; {@code what} names it in refusals. */
    static <T> T read(ObjectMapper json, byte[] bytes, Class<T> type, String what) {
        String body;
        try {
            body = bytes == null ? "" : StrictJson.utf8(bytes);
        } catch (StrictJson.InvalidUtf8Exception e) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, e.getMessage());
        }
        if (body.isBlank()) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, "the body must be " + what + " as JSON");
        }
        T value;
        String asRead;
        try {
            value = json.readValue(body, type);
            asRead = value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw JsonBodyErrors.of(e);
        }
        if (value == null) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, "the body must be " + what + " as JSON");
        }
        if (hasUnpairedSurrogate(asRead)) {
            throw new WalException(
                    ErrorCode.MALFORMED_REQUEST,
                    "a string in the body holds an unpaired surrogate escape (such as \\ud800), which is no character");
        }
        return value;
    }

    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
