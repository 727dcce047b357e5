package io.walgate.gateway.core;

import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;

/**
 * A write that did not end durable, with what the caller needs to act on it: the entry id when one
 * was issued (always for UNKNOWN, so a retry can be matched), and a retry hint when shed.
 */
public final class WriteFailure extends WalException {
    private final EntryId entryId;
    private final long retryAfterMillis;

    public WriteFailure(
            ErrorCode code,
            String message,
            Durability durability,
            EntryId entryId,
            long retryAfterMillis,
            Throwable cause) {
        super(code, message, durability, cause);
        this.entryId = entryId;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** May be null: ids are issued only for requests that passed validation. */
    public EntryId entryId() {
        return entryId;
    }

    /** How long to wait before retrying; 0 when no hint applies. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
