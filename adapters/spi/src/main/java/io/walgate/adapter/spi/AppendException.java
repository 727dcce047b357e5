package io.walgate.adapter.spi;

import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;

/**
 * An append that did not end in a durable entry. {@link #durability()} is the honest answer to "is
 * it in the log?": {@link Durability#FALSE} when the backend certainly did not take it (refused,
 * unreachable before the send), {@link Durability#UNKNOWN} when the send may have reached it (a
 * timeout after the send). Never {@link Durability#TRUE}.
 */
public class AppendException extends RuntimeException {
    private final Durability durability;
    private final ErrorCode code;

    public AppendException(ErrorCode code, Durability durability, String message, Throwable cause) {
        super(message, cause);
        if (durability == Durability.TRUE) {
            throw new IllegalArgumentException("a failed append cannot be durable");
        }
        this.code = code;
        this.durability = durability;
    }

    public Durability durability() {
        return durability;
    }

    /** BACKEND_UNAVAILABLE, BACKEND_TIMEOUT or PAYLOAD_TOO_LARGE. */
    public ErrorCode code() {
        return code;
    }
}
