package io.walgate.gateway.store;

import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.contract.EntryId;
import io.walgate.gateway.core.PayloadStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Large payloads in PostgreSQL (table {@code payloads}), one row per entry id. Only rows that still
 * carry an expiry (their entry was never confirmed on the log) are purged by time; the others go
 * when every region applied their entry (the workers delete them).
 */
public final class PgPayloadStore implements PayloadStore {
    private static final String PUT =
            "INSERT INTO payloads (entry_id, namespace, payload, sha256, expires_at, regions_pending)"
                    + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (entry_id) DO NOTHING";
    private static final String LOGGED = "UPDATE payloads SET expires_at = NULL WHERE entry_id = $1";
    /**
     * The conditions stand in the DELETE itself too: a payload whose expiry a worker lifted (it
     * redeemed it: its entry is on the log) after the inner SELECT picked it is checked again, and
     * kept. Without them it was deleted all the same, and a retry of its entry found it missing.
     */
    private static final String PURGE = "DELETE FROM payloads WHERE entry_id = ANY(ARRAY("
            + "SELECT entry_id FROM payloads WHERE expires_at < now() LIMIT $1)) AND expires_at < now()";

    private static final String PURGE_RELEASED = "DELETE FROM payloads WHERE entry_id = ANY(ARRAY("
            + "SELECT entry_id FROM payloads WHERE released_at < now() - make_interval(secs => $2) LIMIT $1))"
            + " AND released_at < now() - make_interval(secs => $2)";

    private final Pool pool;

    public PgPayloadStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public CompletionStage<Void> put(
            EntryId id, String namespace, byte[] payload, byte[] sha256, Instant expiresAt, List<String> regions) {
        return pool.preparedQuery(PUT)
                .execute(Tuple.tuple()
                        .addUUID(id.uuid())
                        .addString(namespace)
                        .addBuffer(Buffer.buffer(payload))
                        .addBuffer(Buffer.buffer(sha256))
                        .addOffsetDateTime(expiresAt.atOffset(ZoneOffset.UTC))
                        .addArrayOfString(regions.toArray(String[]::new)))
                .subscribeAsCompletionStage()
                .thenApply(rows -> null);
    }

    @Override
    public CompletionStage<Void> logged(EntryId id) {
        return pool.preparedQuery(LOGGED)
                .execute(Tuple.of(id.uuid()))
                .subscribeAsCompletionStage()
                .thenApply(rows -> null);
    }

    /**
     * Deletes up to {@code limit} expired payloads (never confirmed on the log), and up to {@code
     * limit} released ones (applied in every region) released more than {@code keepReleased} ago;
     * returns how many.
     */
    public CompletionStage<Integer> purge(int limit, Duration keepReleased) {
        CompletionStage<Integer> expired = pool.preparedQuery(PURGE)
                .execute(Tuple.of(limit))
                .subscribeAsCompletionStage()
                .thenApply(RowSet::rowCount);
        return expired.thenCompose(n -> pool.preparedQuery(PURGE_RELEASED)
                .execute(Tuple.of(limit, (double) keepReleased.toSeconds()))
                .subscribeAsCompletionStage()
                .thenApply(rows -> n + rows.rowCount()));
    }
}
