package io.walgate.consumers.engine;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Mutations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies the items of a mutation whose marker is due, in order, through the region's {@link
 * Target}, and keeps the region's progress in the {@link MutationLedger}.
 *
 * <ol>
 *   <li>It resumes where the region's progress says: after a failure, a crash or a replay, the items
 *       before it are not applied again; a marker read twice (a rewind, a repeat of an UNKNOWN call)
 *       finds the region done and changes nothing.
 *   <li>Items go to the target in batches of at most {@link #BATCH_ITEMS} (and at most one stored
 *       run), each with {@link Target#applyUntilFailure} (one transaction where the target can; never
 *       an item after one that failed), each item as
 *       an entry of its own id ({@link Mutations#itemId}): an item applied but not yet recorded (a
 *       crash between the two) is applied again on resume, which an idempotent target ignores.
 *   <li>Progress is recorded after each batch, up to the first item that failed; that item, its code
 *       and message are recorded too, and the marker's attempt fails with the item's failure (its
 *       message names the item), so the namespace's retry policy decides what follows: a retry of the
 *       marker, or the DLQ ({@link MutationLedger#deadLettered}, by the caller).
 *   <li>A mutation that is not kept (reclaimed, purged) or whose stored items cannot be read fails
 *       permanently; a ledger that cannot be reached fails transiently.
 * </ol>
 */
final class MutationApplier {
    /** The most items applied (and progress recorded) at once. */
    static final int BATCH_ITEMS = 100;

    /** The code of a marker whose mutation is not kept. */
    static final String MUTATION_MISSING = "MUTATION_MISSING";
    /** The code of a marker whose stored items cannot be read. */
    static final String MUTATION_CORRUPT = "MUTATION_CORRUPT";
    /** The code of a marker whose ledger cannot be reached. */
    static final String MUTATION_STORE_UNAVAILABLE = "MUTATION_STORE_UNAVAILABLE";

    private final MutationLedger ledger;
    private final String region;
    private final Collection<String> regions;

    /** @param regions the namespace's regions, as this worker knows them: each applies every item */
    MutationApplier(MutationLedger ledger, String region, Collection<String> regions) {
        this.ledger = ledger;
        this.region = region;
        this.regions = regions;
    }

    /**
     * Applies the rest of the marker's mutation.
     *
     * @param outside why an item's target options lead outside its namespace, if they do
     */
    Applied apply(Envelope marker, Target target, Function<Envelope, Optional<String>> outside) {
        EntryId id = marker.id();
        int next = -1;
        try {
            Optional<MutationLedger.Begun> begun = ledger.begin(id, region, marker.attempt());
            if (begun.isEmpty()) {
                return Applied.permanent(
                        MUTATION_MISSING,
                        "mutation " + id + " is not in the mutation store (reclaimed before its marker was read,"
                                + " or purged)");
            }
            int count = begun.get().itemCount();
            if (begun.get().done()) {
                return Applied.done();
            }
            next = begun.get().appliedCount();
            while (next < count) {
                MutationLedger.Run run = ledger.run(id, next);
                List<Envelope> batch = new ArrayList<>();
                for (int i = next - run.firstItem(); i < run.items().size() && batch.size() < BATCH_ITEMS; i++) {
                    batch.add(Mutations.item(
                            marker, run.firstItem() + i, run.items().get(i)));
                }
                if (batch.isEmpty()) {
                    return Applied.permanent(
                            MUTATION_CORRUPT,
                            "mutation " + id + ": the stored run for item " + next + " ends before it");
                }
                Failure failure = applyBatch(batch, next, target, outside);
                int applied = failure == null ? batch.size() : failure.index() - next;
                next += applied;
                if (applied > 0) {
                    ledger.progress(id, region, next);
                }
                if (failure != null) {
                    Applied.Failed f = failure.failed();
                    String message = "at item " + failure.index() + " of " + count + " (key "
                            + batch.get(failure.index() - (next - applied)).effectiveKey() + "): " + f.message();
                    ledger.failed(id, region, failure.index(), f.code(), message);
                    return new Applied.Failed(f.transientFailure(), f.code(), message);
                }
            }
            ledger.applied(id, region, regions);
            return Applied.done();
        } catch (MutationLedger.LedgerException e) {
            return Applied.retry(MUTATION_STORE_UNAVAILABLE, e.getMessage());
        } catch (EnvelopeCodec.MalformedEnvelopeException e) {
            return Applied.permanent(
                    MUTATION_CORRUPT,
                    "mutation " + id + ": stored items past " + next + " cannot be read: " + e.getMessage());
        }
    }

    private record Failure(int index, Applied.Failed failed) {}

    /** Applies a batch whose first item is {@code first}; returns its first failure, or null. */
    private static Failure applyBatch(
            List<Envelope> batch, int first, Target target, Function<Envelope, Optional<String>> outside) {
        // An item the namespace no longer grants ends the batch before it: the ones ahead go first.
        int allowed = batch.size();
        Applied.Failed refused = null;
        for (int i = 0; i < batch.size(); i++) {
            Optional<String> problem = outside.apply(batch.get(i));
            if (problem.isPresent()) {
                allowed = i;
                refused = new Applied.Failed(false, Attempts.TARGET_NOT_ALLOWED, problem.get());
                break;
            }
        }
        List<Envelope> items = batch.subList(0, allowed);
        List<Applied> results;
        try {
            results = items.isEmpty() ? List.of() : target.applyUntilFailure(items);
        } catch (RuntimeException e) {
            return new Failure(first, Attempts.unexpected(e));
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof Applied.Failed f) {
                return new Failure(first + i, f);
            }
        }
        return refused == null ? null : new Failure(first + allowed, refused);
    }
}
