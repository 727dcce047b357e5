package io.walgate.gateway.core;

import io.walgate.contract.EntryId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link IdempotencyStore} rules in memory, with a clock the test moves, so that the write
 * path's idempotency decisions can be checked without PostgreSQL ({@code IdempotencyIT} checks the
 * real store).
 */
final class MemoryIdempotencyStore implements IdempotencyStore {
    private record Row(EntryId id, byte[] fingerprint, State state, UUID token, Instant updated, Instant expires) {}

    private final Map<String, Row> rows = new HashMap<>();
    Instant now = Instant.parse("2026-11-27T12:00:00Z");
    boolean down;

    @Override
    public synchronized CompletionStage<Claim> claim(
            String namespace,
            String key,
            EntryId proposed,
            byte[] fingerprint,
            UUID token,
            Duration window,
            Duration lease) {
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        }
        String k = namespace + "/" + key;
        Row row = rows.get(k);
        if (row == null || row.expires().isBefore(now)) {
            rows.put(k, new Row(proposed, fingerprint, State.PENDING, token, now, now.plus(window)));
            return CompletableFuture.completedFuture(new Claim.Won(proposed, false));
        }
        boolean same = Arrays.equals(row.fingerprint(), fingerprint);
        boolean stale = row.state() == State.PENDING && row.updated().isBefore(now.minus(lease));
        if (same && (row.state() == State.UNKNOWN || stale)) {
            rows.put(k, new Row(row.id(), fingerprint, State.PENDING, token, now, row.expires()));
            return CompletableFuture.completedFuture(new Claim.Won(row.id(), true));
        }
        return CompletableFuture.completedFuture(new Claim.Held(row.id(), row.state(), row.fingerprint()));
    }

    @Override
    public synchronized CompletionStage<Void> settle(String namespace, String key, UUID token, State state) {
        rows.computeIfPresent(
                namespace + "/" + key,
                (k, r) ->
                        r.token().equals(token) ? new Row(r.id(), r.fingerprint(), state, token, now, r.expires()) : r);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> release(String namespace, String key, UUID token) {
        rows.computeIfPresent(namespace + "/" + key, (k, r) -> r.token().equals(token) ? null : r);
        return CompletableFuture.completedFuture(null);
    }
}
