package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.MutationState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@link MutationStore} in memory, that can be made to fail. */
final class MemoryMutationStore implements MutationStore {
    record Kept(NewMutation mutation, boolean logged) {}

    final Map<EntryId, Kept> kept = new LinkedHashMap<>();
    RuntimeException failure;

    @Override
    public synchronized CompletionStage<Stored> store(NewMutation m) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (m.idempotencyKey() != null) {
            for (Kept k : kept.values()) {
                NewMutation e = k.mutation();
                if (e.namespace().equals(m.namespace()) && Objects.equals(e.idempotencyKey(), m.idempotencyKey())) {
                    return CompletableFuture.completedFuture(new Stored.Existing(
                            e.id(),
                            e.fingerprint(),
                            e.itemCount(),
                            k.logged(),
                            e.acceptedAt(),
                            e.dueAt(),
                            e.originalWriteTime()));
                }
            }
        }
        kept.put(m.id(), new Kept(m, false));
        return CompletableFuture.completedFuture(new Stored.Fresh());
    }

    @Override
    public synchronized CompletionStage<Boolean> logged(EntryId id) {
        Kept k = kept.get(id);
        if (k != null) {
            kept.put(id, new Kept(k.mutation(), true));
        }
        return CompletableFuture.completedFuture(k != null);
    }

    @Override
    public synchronized CompletionStage<Boolean> discard(EntryId id) {
        Kept k = kept.get(id);
        if (k != null && !k.logged()) {
            kept.remove(id);
            return CompletableFuture.completedFuture(true);
        }
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public synchronized CompletionStage<Optional<MutationProgress>> progress(String namespace, EntryId id) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        Kept k = kept.get(id);
        if (k == null || !k.mutation().namespace().equals(namespace)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<Region> regions = new ArrayList<>();
        for (String r : k.mutation().regions()) {
            regions.add(new Region(
                    r,
                    MutationState.PENDING,
                    0,
                    0,
                    null,
                    null,
                    null,
                    k.mutation().acceptedAt()));
        }
        NewMutation m = k.mutation();
        return CompletableFuture.completedFuture(
                Optional.of(new MutationProgress(id, namespace, m.itemCount(), k.logged(), m.acceptedAt(), regions)));
    }
}
