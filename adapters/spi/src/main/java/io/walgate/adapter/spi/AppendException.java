package io.walgate.adapter.spi;

import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.WriteRequestValidator;
import java.time.Instant;
import java.util.Optional;

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

    /**
     * The refusal of an entry whose instants the log cannot store (protobuf timestamps: years 1 to
     * 9999), or empty. The gateway refuses such writes; an appender checks again, so that an entry
     * built elsewhere (a retry, a replay, a bug) is refused with FALSE, not thrown out of
     * {@code append} as an ArithmeticException.
     */
    public static Optional<AppendException> unstorable(Envelope e) {
        for (Instant at : new Instant[] {e.deliverAt(), e.acceptedAt(), e.originalWriteTime()}) {
            if (at != null
                    && (at.isBefore(WriteRequestValidator.MIN_INSTANT)
                            || at.isAfter(WriteRequestValidator.MAX_INSTANT))) {
                return Optional.of(new AppendException(
                        ErrorCode.INVALID_LIFECYCLE,
                        Durability.FALSE,
                        "entry " + e.id() + " holds the instant " + at
                                + ", outside what the log stores (years 1 to 9999)",
                        null));
            }
        }
        return Optional.empty();
    }

    /** BACKEND_UNAVAILABLE, BACKEND_TIMEOUT, PAYLOAD_TOO_LARGE or INVALID_LIFECYCLE. */
    public ErrorCode code() {
        return code;
    }
}
