package io.walgate.contract.entry;

import java.time.Instant;
import java.util.Objects;

/**
 * What went wrong so far with an entry's delivery, carried with it through retries and into the
 * dead-letter queue: the first and the last failure.
 */
public record DeliveryHistory(
        String firstErrorCode,
        String firstErrorMessage,
        Instant firstFailedAt,
        String lastErrorCode,
        String lastErrorMessage,
        Instant lastFailedAt) {

    public DeliveryHistory {
        Objects.requireNonNull(firstErrorCode, "firstErrorCode");
        Objects.requireNonNull(firstFailedAt, "firstFailedAt");
        Objects.requireNonNull(lastErrorCode, "lastErrorCode");
        Objects.requireNonNull(lastFailedAt, "lastFailedAt");
        firstErrorMessage = firstErrorMessage == null ? "" : firstErrorMessage;
        lastErrorMessage = lastErrorMessage == null ? "" : lastErrorMessage;
    }

    /** This history with one more failure; the first failure of a new history when {@code history} is null. */
    public static DeliveryHistory after(DeliveryHistory history, String code, String message, Instant at) {
        return history == null
                ? new DeliveryHistory(code, message, at, code, message, at)
                : new DeliveryHistory(
                        history.firstErrorCode, history.firstErrorMessage, history.firstFailedAt, code, message, at);
    }
}
