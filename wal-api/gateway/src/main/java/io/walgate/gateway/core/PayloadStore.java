package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Keeps payloads too large for their log, under their entry id, until they expire; the log carries
 * a {@link io.walgate.contract.entry.PayloadRef} instead. Thread-safe and non-blocking; stages fail
 * with any exception when the store cannot be reached.
 */
public interface PayloadStore {

    /**
     * Stores {@code payload} under {@code id}. Storing an id again keeps the first copy: a repeat of
     * an idempotent write carries the same bytes under the same id.
     */
    CompletionStage<Void> put(EntryId id, String namespace, byte[] payload, byte[] sha256, Instant expiresAt);
}
