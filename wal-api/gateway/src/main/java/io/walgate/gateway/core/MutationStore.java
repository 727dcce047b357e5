package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.MutationState;
import io.walgate.contract.entry.Mutations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * Where mutations' items are kept until every region applied them, shared by every gateway of a
 * deployment and read by the workers.
 *
 * <ol>
 *   <li>{@link #store} keeps the items, in order, and one progress record per region, all or
 *       nothing; a mutation is stored with an expiry, and one whose marker never reached the log is
 *       reclaimed (deleted, never applied) when it passes.
 *   <li>{@link #logged} lifts the expiry once the marker's append is confirmed (a worker that
 *       reads the marker lifts it too).
 *   <li>Implementations are thread-safe and never block the caller; their stages fail with any
 *       exception when the store cannot be reached.
 * </ol>
 */
public interface MutationStore {

    /**
     * Stores a mutation, unless {@code (namespace, idempotencyKey)} names a mutation kept already:
     * then nothing is stored and that one is returned, its expiry (when not logged) pushed to {@code
     * expiresAt}, since its marker is about to be sent again.
     */
    CompletionStage<Stored> store(NewMutation mutation);

    /**
     * The marker of {@code id} is in the log: the mutation no longer expires.
     *
     * @return false when the mutation is not kept any more (reclaimed while its marker was sent)
     */
    CompletionStage<Boolean> logged(EntryId id);

    /**
     * Forgets a mutation whose marker certainly did not reach the log, unless a marker of it is known
     * to be logged: nothing of it will be applied, and its idempotency key is free again.
     *
     * @return false when it was kept: a marker of it is known to be logged (a concurrent repeat's)
     */
    CompletionStage<Boolean> discard(EntryId id);

    /** The mutation {@code id} of {@code namespace} and each region's progress, if it is kept. */
    CompletionStage<Optional<MutationProgress>> progress(String namespace, EntryId id);

    /**
     * A mutation to store.
     *
     * @param idempotencyKey may be null
     * @param fingerprint of the request, to tell a repeat from a reuse of its key
     * @param regions the namespace's regions, each of which applies every item
     * @param expiresAt when it is reclaimed unless its marker is known to be logged by then
     */
    record NewMutation(
            EntryId id,
            String namespace,
            String idempotencyKey,
            byte[] fingerprint,
            List<Mutations.Chunk> chunks,
            int itemCount,
            long payloadBytes,
            List<String> regions,
            Instant acceptedAt,
            Instant dueAt,
            Instant expiresAt,
            Instant originalWriteTime) {}

    /** What {@link #store} did. */
    sealed interface Stored {
        /** Stored under the new mutation's id. */
        record Fresh() implements Stored {}

        /**
         * A mutation with the same idempotency key is kept; nothing was stored.
         *
         * @param logged whether its marker is known to be in the log
         */
        record Existing(
                EntryId id,
                byte[] fingerprint,
                int itemCount,
                boolean logged,
                Instant acceptedAt,
                Instant dueAt,
                Instant originalWriteTime)
                implements Stored {}
    }

    /**
     * A kept mutation and how far each region got.
     *
     * @param logged whether its marker is known to be in the log
     */
    record MutationProgress(
            EntryId id, String namespace, int itemCount, boolean logged, Instant createdAt, List<Region> regions) {

        /**
         * The same, as the namespace's regions are now: a region added since has not begun
         * (PENDING), a region removed since no longer counts.
         */
        public MutationProgress forRegions(Collection<String> current) {
            List<Region> now = new ArrayList<>();
            for (String name : new TreeSet<>(current)) {
                now.add(regions.stream()
                        .filter(r -> r.region().equals(name))
                        .findFirst()
                        .orElse(new Region(name, MutationState.PENDING, 0, 0, null, null, null, createdAt)));
            }
            return new MutationProgress(id, namespace, itemCount, logged, createdAt, List.copyOf(now));
        }

        public MutationState state() {
            return MutationState.overall(regions.stream().map(Region::state).toList());
        }

        /** The region that got least far (the one a caller waits for). */
        public Region laggard() {
            Region least = regions.get(0);
            for (Region r : regions) {
                if (r.state() == MutationState.DEAD_LETTERED
                        || (least.state() != MutationState.DEAD_LETTERED && r.appliedCount() < least.appliedCount())) {
                    least = r;
                }
            }
            return least;
        }
    }

    /**
     * One region's progress.
     *
     * @param appliedCount items 0 to {@code appliedCount - 1} are applied there
     * @param failedItem the index of the item whose apply failed last; null when none failed
     */
    record Region(
            String region,
            MutationState state,
            int appliedCount,
            int attempt,
            Integer failedItem,
            String errorCode,
            String errorMessage,
            Instant updatedAt) {}
}
