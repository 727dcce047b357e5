package io.walgate.controller.api;

import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.WriteRequestValidator;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.store.DeadLetterStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

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
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z0-9_]{1,64}");

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

    /** A region filter: what a target's region could be called; absent is null. */
    static String region(String region) {
        if (region != null && !REGION.matcher(region).matches()) {
            throw malformed("region must be 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit");
        }
        return region;
    }

    /** An error-code filter, such as HTTP_400; absent is null. */
    static String errorCode(String code) {
        if (code != null && !ERROR_CODE.matcher(code).matches()) {
            throw malformed("errorCode must be 1 to 64 of A-Z, 0-9 and '_', such as HTTP_400");
        }
        return code;
    }

    /** A key filter (a partition or target key); absent is null. */
    static String key(String key) {
        if (key != null
                && (key.isEmpty()
                        || key.getBytes(StandardCharsets.UTF_8).length > WriteRequestValidator.MAX_KEY_BYTES
                        || key.chars().anyMatch(Character::isISOControl))) {
            throw malformed(
                    "key must be 1 to " + WriteRequestValidator.MAX_KEY_BYTES + " bytes without control characters");
        }
        return key;
    }

    /** An ISO-8601 instant such as 2026-12-04T10:15:30Z; absent is null. */
    static Instant instant(String param, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw malformed(param + " must be an ISO-8601 instant such as 2026-12-04T10:15:30Z");
        }
    }

    /**
     * An entry id in a path: one that could not be an entry's id names no dead letter ({@code 404
     * DEAD_LETTER_NOT_FOUND}, without echoing it).
     */
    static String entryId(String namespace, String entryId) {
        try {
            return EntryId.parse(entryId).toString();
        } catch (RuntimeException e) {
            throw new WalException(
                    ErrorCode.DEAD_LETTER_NOT_FOUND,
                    "no such dead letter in namespace '" + namespace + "': entry ids are UUIDs");
        }
    }

    /** Entry ids in a body: at most 1000, each a UUID, else {@code 400 MALFORMED_REQUEST}. */
    static List<String> entryIds(List<String> ids) {
        if (ids.size() > 1000) {
            throw malformed("entryIds takes at most 1000 ids; use the filters for more");
        }
        try {
            return ids.stream().map(id -> EntryId.parse(id).toString()).toList();
        } catch (RuntimeException e) {
            throw malformed("entryIds must be entry ids (UUIDs)");
        }
    }

    /** A page token for the position after {@code deadAt} and {@code id}. */
    static String deadLetterPageToken(Instant deadAt, long id) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, deadAt);
        return pageToken(micros + ":" + id);
    }

    /** The position a dead-letter page token continues after; only tokens this API handed out pass. */
    static DeadLetterStore.Position afterDeadLetter(String token) {
        if (token == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split(":");
            if (parts.length == 2) {
                Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
                return new DeadLetterStore.Position(at, Long.parseLong(parts[1]));
            }
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            // refused below
        }
        throw malformed("pageToken is not one this API handed out; start again without it");
    }

    private static WalException malformed(String message) {
        return new WalException(ErrorCode.MALFORMED_REQUEST, message);
    }
}
