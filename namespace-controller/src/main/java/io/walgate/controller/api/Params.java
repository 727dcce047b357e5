package io.walgate.controller.api;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Path and query values, checked before anything reaches PostgreSQL.
 *
 * <ol>
 *   <li>A namespace name that no spec could have (a NUL, upper case, too long) names no namespace:
 *       {@code 404 NAMESPACE_NOT_FOUND}, without a query. PostgreSQL refuses a NUL in text, which
 *       would otherwise be a 500.
 *   <li>A query value that is not what the parameter takes is {@code 400 MALFORMED_REQUEST} naming
 *       the parameter, never ignored, defaulted or (as JAX-RS does for a non-numeric number) a 404.
 *   <li>Refusals never echo the value: it may hold characters that do not belong in a log or a
 *       terminal.
 * </ol>
 */
final class Params {
    private Params() {}

    /** {@code name} if a namespace could be called so. */
    static String name(String name) {
        if (name == null || !NamespaceSpec.NAME.matcher(name).matches()) {
            throw new WalException(
                    ErrorCode.NAMESPACE_NOT_FOUND,
                    "no such namespace: names are 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    /** A shard filter; absent is null. */
    static String shard(String shard) {
        if (shard != null && !NamespaceSpec.NAME.matcher(shard).matches()) {
            throw malformed("shard must be 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        return shard;
    }

    static int integer(String param, String value, int absent, int min, int max) {
        long parsed = number(param, value, absent, min, max);
        return (int) parsed;
    }

    static long number(String param, String value, long absent, long min, long max) {
        if (value == null) {
            return absent;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // refused below, with the range
        }
        throw malformed(param + " must be a whole number from " + min + " to " + max);
    }

    /** A flag: absent is false; {@code ?dryRun}, {@code ?dryRun=true} are true. */
    static boolean flag(String param, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true")) {
            return true;
        }
        throw malformed(param + " must be true or false");
    }

    static String pageToken(String lastName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastName.getBytes(StandardCharsets.UTF_8));
    }

    /** The name a page token continues after; only tokens this API can have handed out pass. */
    static String afterPageToken(String token) {
        if (token == null) {
            return null;
        }
        try {
            String name = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(token)))
                    .toString();
            if (NamespaceSpec.NAME.matcher(name).matches()) {
                return name;
            }
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // refused below
        }
        throw malformed("pageToken is not one this API handed out; start again without it");
    }

    private static WalException malformed(String message) {
        return new WalException(ErrorCode.MALFORMED_REQUEST, message);
    }
}
