package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Payloads in memory, with a switch to make the store unreachable. */
final class MemoryPayloadStore implements PayloadStore {
    final Map<EntryId, byte[]> stored = new HashMap<>();
    final Map<EntryId, List<String>> regions = new HashMap<>();
    final Set<EntryId> logged = new HashSet<>();
    boolean down;

    @Override
    public CompletionStage<Void> put(
            EntryId id, String namespace, byte[] payload, byte[] sha256, Instant expiresAt, List<String> regions) {
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        }
        stored.putIfAbsent(id, payload);
        this.regions.putIfAbsent(id, regions);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> logged(EntryId id) {
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        }
        logged.add(id);
        return CompletableFuture.completedFuture(null);
    }
}
