package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Remembers which entry an idempotency key stands for, shared by every gateway of a deployment.
 *
 * <p>A key is claimed before its entry is appended and settled after. A record is <em>live</em>
 * until its dedup window has passed. Implementations are thread-safe and never block the caller;
 * their stages fail with any exception when the store cannot be reached.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code (namespace, key)} for a write. The claim is won when there is no live record, when
     * the live record's earlier write ended UNKNOWN, or when its claimant has been silent longer than
     * {@code lease} (it died mid-write); in the last two cases the record keeps its entry id.
     *
     * @param token identifies this claim in {@link #settle} and {@link #release}
     */
    CompletionStage<Claim> claim(
            String namespace,
            String key,
            EntryId proposed,
            byte[] fingerprint,
            UUID token,
            Duration window,
            Duration lease);

    /** Records how the claimed write ended (DURABLE or UNKNOWN); a claim taken over since is left alone. */
    CompletionStage<Void> settle(String namespace, String key, UUID token, State state);

    /** Forgets a claim whose write certainly did not happen, so that a retry starts afresh. */
    CompletionStage<Void> release(String namespace, String key, UUID token);

    /** The outcome of a claim. */
    sealed interface Claim {
        /**
         * This write owns the key and appends under {@code entryId}.
         *
         * @param takeover the entry id was issued to an earlier write that may have landed
         */
        record Won(EntryId entryId, boolean takeover) implements Claim {}

        /** A live record holds the key. */
        record Held(EntryId entryId, State state, byte[] fingerprint) implements Claim {}
    }

    /** Where the write of a live record stands. */
    enum State {
        /** Being written now (or its writer died; see the lease). */
        PENDING,
        /** In the log. */
        DURABLE,
        /** Its outcome is not known; a repeat writes it again under the same entry id. */
        UNKNOWN
    }
}
