package io.walgate.adapter.spi;

import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;

/**
 * An append that did not end in a durable entry. {@link #durability()} is the honest answer to "is
 * it in the log?": {@link Durability#FALSE} only when no attempt can have reached the backend or
 * the backend refused every one (see {@link LogAppender}'s guarantee 6), {@link Durability#UNKNOWN}
 * whenever an attempt may have reached it. Never {@link Durability#TRUE}.
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
