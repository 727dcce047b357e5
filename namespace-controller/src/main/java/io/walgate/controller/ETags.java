package io.walgate.controller;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import java.util.Optional;

/** A namespace's ETag is its version, quoted: {@code "42"}. */
public final class ETags {
    private ETags() {}

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an If-Match names; empty for {@code *} (any version).
     *
     * @throws WalException MALFORMED_REQUEST when it names no version
     */
    public static Optional<Long> parse(String ifMatch) {
        String value = ifMatch.trim();
        if (value.equals("*")) {
            return Optional.empty();
        }
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new WalException(
                    ErrorCode.MALFORMED_REQUEST, "If-Match must be the ETag you read, such as \"42\"; got " + ifMatch);
        }
    }
}
