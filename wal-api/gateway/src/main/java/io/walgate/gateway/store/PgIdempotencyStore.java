package io.walgate.gateway.store;

import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.contract.EntryId;
import io.walgate.gateway.core.IdempotencyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys in PostgreSQL (table {@code idempotency_keys}): one upsert per claim, one update
 * per settle, on the non-blocking client. A key costs one row (~200 bytes plus the key) for its
 * dedup window.
 */
public final class PgIdempotencyStore implements IdempotencyStore {
    /**
     * Inserts the claim, or takes the row over when it is dead (new entry id), or when its write
     * ended UNKNOWN or its writer went silent for a lease (same entry id, same request only).
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_keys AS k
                (namespace, idempotency_key, entry_id, fingerprint, state, claim_token, expires_at)
            VALUES ($1, $2, $3, $4, 'PENDING', $5, now() + $6::bigint * interval '1 millisecond')
            ON CONFLICT (namespace, idempotency_key) DO UPDATE SET
                entry_id = CASE WHEN k.expires_at < now() THEN EXCLUDED.entry_id ELSE k.entry_id END,
                created_at = CASE WHEN k.expires_at < now() THEN now() ELSE k.created_at END,
                expires_at = CASE WHEN k.expires_at < now() THEN EXCLUDED.expires_at ELSE k.expires_at END,
                fingerprint = EXCLUDED.fingerprint,
                state = 'PENDING',
                claim_token = EXCLUDED.claim_token,
                updated_at = now()
            WHERE k.expires_at < now()
               OR (k.fingerprint = EXCLUDED.fingerprint
                   AND (k.state = 'UNKNOWN'
                        OR (k.state = 'PENDING' AND k.updated_at < now() - $7::bigint * interval '1 millisecond')))
            RETURNING entry_id
            """;

    private static final String HELD = "SELECT entry_id, state, fingerprint FROM idempotency_keys"
            + " WHERE namespace = $1 AND idempotency_key = $2 AND expires_at >= now()";
    private static final String SETTLE = "UPDATE idempotency_keys SET state = $4, updated_at = now()"
            + " WHERE namespace = $1 AND idempotency_key = $2 AND claim_token = $3";
    private static final String RELEASE =
            "DELETE FROM idempotency_keys WHERE namespace = $1 AND idempotency_key = $2 AND claim_token = $3";
    private static final String PURGE = "DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY("
            + "SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1))";

    private final Pool pool;

    public PgIdempotencyStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public CompletionStage<Claim> claim(
            String namespace,
            String key,
            EntryId proposed,
            byte[] fingerprint,
            UUID token,
            Duration window,
            Duration lease) {
        return claim(namespace, key, proposed, fingerprint, token, window, lease, 3);
    }

    private CompletionStage<Claim> claim(
            String namespace,
            String key,
            EntryId proposed,
            byte[] fingerprint,
            UUID token,
            Duration window,
            Duration lease,
            int tries) {
        Tuple args = Tuple.tuple()
                .addString(namespace)
                .addString(key)
                .addUUID(proposed.uuid())
                .addBuffer(Buffer.buffer(fingerprint))
                .addUUID(token)
                .addLong(window.toMillis())
                .addLong(lease.toMillis());
        return pool.preparedQuery(CLAIM)
                .execute(args)
                .subscribeAsCompletionStage()
                .thenCompose(won -> {
                    if (won.size() == 1) {
                        UUID id = won.iterator().next().getUUID("entry_id");
                        return CompletableFuture.completedFuture(
                                new Claim.Won(new EntryId(id), !id.equals(proposed.uuid())));
                    }
                    return pool.preparedQuery(HELD)
                            .execute(Tuple.of(namespace, key))
                            .subscribeAsCompletionStage()
                            .thenCompose(held -> held(held)
                                    .map(c -> (CompletionStage<Claim>) CompletableFuture.completedFuture(c))
                                    // The row died or was released between the two statements: claim again.
                                    .orElseGet(() -> tries > 1
                                            ? claim(
                                                    namespace,
                                                    key,
                                                    proposed,
                                                    fingerprint,
                                                    token,
                                                    window,
                                                    lease,
                                                    tries - 1)
                                            : CompletableFuture.failedFuture(new IllegalStateException(
                                                    "idempotency key '" + key + "' keeps changing hands"))));
                });
    }

    private static Optional<Claim> held(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        return Optional.of(new Claim.Held(
                new EntryId(row.getUUID("entry_id")),
                State.valueOf(row.getString("state")),
                row.getBuffer("fingerprint").getBytes()));
    }

    @Override
    public CompletionStage<Void> settle(String namespace, String key, UUID token, State state) {
        return pool.preparedQuery(SETTLE)
                .execute(Tuple.of(namespace, key, token, state.name()))
                .subscribeAsCompletionStage()
                .thenApply(rows -> null);
    }

    @Override
    public CompletionStage<Void> release(String namespace, String key, UUID token) {
        return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(namespace, key, token))
                .subscribeAsCompletionStage()
                .thenApply(rows -> null);
    }

    /** Deletes up to {@code limit} dead keys; returns how many. */
    public CompletionStage<Integer> purge(int limit) {
        return pool.preparedQuery(PURGE)
                .execute(Tuple.of(limit))
                .subscribeAsCompletionStage()
                .thenApply(RowSet::rowCount);
    }
}
