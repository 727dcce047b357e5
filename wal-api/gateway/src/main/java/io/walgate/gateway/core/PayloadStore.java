package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.PayloadRef;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Keeps payloads too large for their log, under their entry id; the log carries a {@link
 * PayloadRef} instead. A payload expires only while its entry is not known
 * to be on the log; after that, it lives until every region applied the entry. Thread-safe and non-blocking; stages fail
 * with any exception when the store cannot be reached.
 */
public interface PayloadStore {

    /**
     * Stores {@code payload} under {@code id}. Storing an id again keeps the first copy: a repeat of
     * an idempotent write carries the same bytes under the same id.
     */
    CompletionStage<Void> put(
            EntryId id, String namespace, byte[] payload, byte[] sha256, Instant expiresAt, List<String> regions);

    /**
     * The entry that refers to payload {@code id} is on the log: the payload no longer expires; it
     * lives until every region in {@code regions} applied the entry (the workers release it).
     */
    CompletionStage<Void> logged(EntryId id);
}
