package io.walgate.consumers.engine;

import io.walgate.api.v1.MutationItem;
import io.walgate.contract.EntryId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A worker's view of the mutation store (the gateway's database): a mutation's items, and how far
 * this worker's region got through them. Used by one thread at a time: each apply lane has a ledger
 * of its own.
 *
 * <ol>
 *   <li>Every method throws {@link LedgerException} when the store cannot be reached; nothing is
 *       then known to have changed.
 *   <li>Progress only grows: a worker that lost a partition and still finishes its batch cannot move
 *       a region back.
 * </ol>
 */
public interface MutationLedger extends AutoCloseable {

    /**
     * Begins an attempt at mutation {@code id} in {@code region}: its marker is in the log (so the
     * mutation no longer expires), and the region is APPLYING (unless it already APPLIED), which
     * also keeps a mutation released by the other regions from being purged under it (a region
     * added since).
     *
     * @return where the region stands, or empty when the mutation is not kept (reclaimed, purged)
     */
    Optional<Begun> begin(EntryId id, String region, int attempt);

    /**
     * The stored run of items that holds item {@code item}.
     *
     * @return its first item's index and its items, in order
     */
    Run run(EntryId id, int item);

    /** Items 0 to {@code appliedCount - 1} are applied in {@code region}. */
    void progress(EntryId id, String region, int appliedCount);

    /**
     * Every item is applied in {@code region}; once every one of {@code regions} (the namespace's,
     * as this worker knows them) has, the mutation is released. Both or neither.
     */
    void applied(EntryId id, String region, Collection<String> regions);

    /** Item {@code item} failed in {@code region}; the region stays APPLYING (a retry follows). */
    void failed(EntryId id, String region, int item, String code, String message);

    /** The attempts are over in {@code region}: its marker goes to the DLQ. */
    void deadLettered(EntryId id, String region);

    @Override
    void close();

    /**
     * @param appliedCount items 0 to {@code appliedCount - 1} are applied in the region
     * @param done the region applied every item already
     */
    record Begun(int itemCount, int appliedCount, boolean done) {}

    /** A stored run of items, from item {@code firstItem} on. */
    record Run(int firstItem, List<MutationItem> items) {}

    /** The store cannot be reached, or answered with an error. */
    final class LedgerException extends RuntimeException {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
