package io.walgate.consumers.targets;

import io.walgate.contract.entry.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies entries to one region's copy of a datastore.
 *
 * <ol>
 *   <li>One instance per (namespace, region), built from the namespace's {@code RegionTarget}; the
 *       engine calls {@link #apply} from one thread at a time and {@link #close()} once, at the end.
 *   <li>{@link #apply} blocks until the datastore answered and never throws for a failed apply: it
 *       returns an {@link Applied} whose failure says whether a retry may succeed.
 *   <li>{@link #applyAll} and {@link #applyUntilFailure} keep the order of the entries they are
 *       given, and answer as {@link #apply} would for each.
 *   <li>Apply is idempotent by entry id: a redelivered entry (the log is at least once, and an
 *       UNKNOWN write may be appended twice) must leave the datastore as one apply would.
 * </ol>
 */
public interface Target extends AutoCloseable {

    /** @param entry due, with its payload inline (claim checks already redeemed) */
    Applied apply(Envelope entry);

    /**
     * Applies several due entries of one partition, in order, and says how each went (in the same
     * order). The default applies them one by one; a target that can do better (one transaction, one
     * round trip) overrides it, with the same result per entry as {@link #apply} would give.
     */
    default List<Applied> applyAll(List<Envelope> entries) {
        return entries.stream().map(this::apply).toList();
    }

    /**
     * Applies entries in order and stops at the first that fails, for a mutation's items, whose order
     * must hold: the result has one outcome per entry tried, each {@link Applied.Done} but possibly
     * the last, and the entries after a failed one are not applied. The default applies them one by
     * one; a target that can do better (one transaction) overrides it, and may then report a failure
     * of the whole batch on its first entry, with nothing of the batch applied.
     */
    default List<Applied> applyUntilFailure(List<Envelope> entries) {
        List<Applied> results = new ArrayList<>(entries.size());
        for (Envelope entry : entries) {
            Applied applied = apply(entry);
            results.add(applied);
            if (applied instanceof Applied.Failed) {
                break;
            }
        }
        return results;
    }

    @Override
    void close();

    /** How an apply ended. */
    sealed interface Applied {
        /** The datastore has it. */
        record Done() implements Applied {}

        /**
         * It failed.
         *
         * @param transientFailure whether a retry may succeed (timeouts, 5xx, 429, connection
         *     refused); a permanent failure is dead-lettered at once
         * @param code a short stable reason, e.g. {@code HTTP_503}, {@code REDIS_ERROR}
         */
        record Failed(boolean transientFailure, String code, String message) implements Applied {}

        static Applied done() {
            return new Done();
        }

        static Applied retry(String code, String message) {
            return new Failed(true, code, message);
        }

        static Applied permanent(String code, String message) {
            return new Failed(false, code, message);
        }
    }
}
