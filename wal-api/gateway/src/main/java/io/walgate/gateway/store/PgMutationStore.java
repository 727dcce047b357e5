package io.walgate.gateway.store;

import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.MutationState;
import io.walgate.contract.entry.Mutations;
import io.walgate.gateway.core.MutationStore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Mutations in PostgreSQL (tables {@code mutations}, {@code mutation_chunks}, {@code
 * mutation_regions}), on the non-blocking client. A mutation is stored in one transaction; the
 * workers read its chunks and write its regions' progress (the engine's {@code MutationLedger}).
 */
public final class PgMutationStore implements MutationStore {
    private static final String INSERT = """
            INSERT INTO mutations (mutation_id, namespace, idempotency_key, fingerprint, item_count, payload_bytes,
                                   created_at, due_at, expires_at, original_write_time)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (namespace, idempotency_key) DO NOTHING
            RETURNING mutation_id
            """;
    /** The kept mutation a repeat names; one not logged is about to be sent again, so it lives on. */
    private static final String EXISTING = """
            UPDATE mutations SET expires_at = CASE WHEN logged THEN NULL ELSE greatest(expires_at, $3) END
            WHERE namespace = $1 AND idempotency_key = $2
            RETURNING mutation_id, fingerprint, item_count, logged, created_at, due_at, original_write_time
            """;

    private static final String CHUNK =
            "INSERT INTO mutation_chunks (mutation_id, chunk, first_item, item_count, items)"
                    + " VALUES ($1, $2, $3, $4, $5)";
    private static final String REGION = "INSERT INTO mutation_regions (mutation_id, region) VALUES ($1, $2)";
    private static final String LOGGED = "UPDATE mutations SET logged = true, expires_at = NULL WHERE mutation_id = $1";
    private static final String FIND = "SELECT mutation_id, namespace, item_count, logged, created_at FROM mutations"
            + " WHERE mutation_id = $1 AND namespace = $2";
    private static final String REGIONS = "SELECT region, state, applied_count, attempt, failed_item, error_code,"
            + " error_message, updated_at FROM mutation_regions WHERE mutation_id = $1 ORDER BY region";
    /**
     * The conditions stand in the DELETE itself too: a row that a repeat gave more time, or that a
     * worker marked logged, after the inner SELECT picked it is checked again, and kept.
     */
    private static final String PURGE_EXPIRED = "DELETE FROM mutations WHERE mutation_id = ANY(ARRAY("
            + "SELECT mutation_id FROM mutations WHERE NOT logged AND expires_at < now() LIMIT $1))"
            + " AND NOT logged AND expires_at < now()";

    private static final String DISCARD = "DELETE FROM mutations WHERE mutation_id = $1 AND NOT logged";
    private static final String PURGE_RELEASED = "DELETE FROM mutations WHERE mutation_id = ANY(ARRAY("
            + "SELECT mutation_id FROM mutations WHERE released_at < now() - make_interval(secs => $2) LIMIT $1))"
            + " AND released_at < now() - make_interval(secs => $2)";

    private final Pool pool;

    public PgMutationStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public CompletionStage<Stored> store(NewMutation m) {
        return pool.withTransaction(c -> c.preparedQuery(INSERT)
                        .execute(Tuple.tuple()
                                .addUUID(m.id().uuid())
                                .addString(m.namespace())
                                .addString(m.idempotencyKey())
                                .addBuffer(Buffer.buffer(m.fingerprint()))
                                .addInteger(m.itemCount())
                                .addLong(m.payloadBytes())
                                .addOffsetDateTime(utc(m.acceptedAt()))
                                .addOffsetDateTime(utc(m.dueAt()))
                                .addOffsetDateTime(utc(m.expiresAt()))
                                .addOffsetDateTime(m.originalWriteTime() == null ? null : utc(m.originalWriteTime())))
                        .flatMap(inserted -> {
                            if (inserted.size() == 0) {
                                return c.preparedQuery(EXISTING)
                                        .execute(Tuple.of(m.namespace(), m.idempotencyKey(), utc(m.expiresAt())))
                                        .map(PgMutationStore::existing);
                            }
                            List<Tuple> chunks = new ArrayList<>();
                            for (int i = 0; i < m.chunks().size(); i++) {
                                Mutations.Chunk chunk = m.chunks().get(i);
                                chunks.add(Tuple.tuple()
                                        .addUUID(m.id().uuid())
                                        .addInteger(i)
                                        .addInteger(chunk.firstItem())
                                        .addInteger(chunk.itemCount())
                                        .addBuffer(Buffer.buffer(chunk.bytes())));
                            }
                            List<Tuple> regions = m.regions().stream()
                                    .map(r -> Tuple.of(m.id().uuid(), r))
                                    .toList();
                            return c.preparedQuery(CHUNK)
                                    .executeBatch(chunks)
                                    .flatMap(done -> c.preparedQuery(REGION).executeBatch(regions))
                                    .map(done -> (Stored) new Stored.Fresh());
                        }))
                .subscribeAsCompletionStage();
    }

    private static Stored existing(RowSet<Row> rows) {
        if (rows.size() == 0) {
            // Reclaimed between the two statements: the caller's retry stores it afresh.
            throw new IllegalStateException("the mutation under this idempotency key was just reclaimed; retry");
        }
        Row row = rows.iterator().next();
        return new Stored.Existing(
                new EntryId(row.getUUID("mutation_id")),
                row.getBuffer("fingerprint").getBytes(),
                row.getInteger("item_count"),
                row.getBoolean("logged"),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("due_at").toInstant(),
                row.getOffsetDateTime("original_write_time") == null
                        ? null
                        : row.getOffsetDateTime("original_write_time").toInstant());
    }

    @Override
    public CompletionStage<Boolean> logged(EntryId id) {
        return pool.preparedQuery(LOGGED)
                .execute(Tuple.of(id.uuid()))
                .subscribeAsCompletionStage()
                .thenApply(rows -> rows.rowCount() == 1);
    }

    @Override
    public CompletionStage<Boolean> discard(EntryId id) {
        return pool.preparedQuery(DISCARD)
                .execute(Tuple.of(id.uuid()))
                .subscribeAsCompletionStage()
                .thenApply(rows -> rows.rowCount() == 1);
    }

    @Override
    public CompletionStage<Optional<MutationProgress>> progress(String namespace, EntryId id) {
        return pool.preparedQuery(FIND)
                .execute(Tuple.of(id.uuid(), namespace))
                .subscribeAsCompletionStage()
                .thenCompose(found -> {
                    if (found.size() == 0) {
                        return CompletableFuture.completedFuture(Optional.empty());
                    }
                    Row m = found.iterator().next();
                    return pool.preparedQuery(REGIONS)
                            .execute(Tuple.of(id.uuid()))
                            .subscribeAsCompletionStage()
                            .thenApply(rows -> {
                                List<Region> regions = new ArrayList<>();
                                for (Row r : rows) {
                                    regions.add(new Region(
                                            r.getString("region"),
                                            MutationState.valueOf(r.getString("state")),
                                            r.getInteger("applied_count"),
                                            r.getInteger("attempt"),
                                            r.getInteger("failed_item"),
                                            r.getString("error_code"),
                                            r.getString("error_message"),
                                            r.getOffsetDateTime("updated_at").toInstant()));
                                }
                                return Optional.of(new MutationProgress(
                                        id,
                                        m.getString("namespace"),
                                        m.getInteger("item_count"),
                                        m.getBoolean("logged"),
                                        m.getOffsetDateTime("created_at").toInstant(),
                                        List.copyOf(regions)));
                            });
                });
    }

    /**
     * Deletes up to {@code limit} mutations whose marker never reached the log and whose expiry
     * passed (reclaimed: never applied), and up to {@code limit} applied in every region more than
     * {@code keepApplied} ago (their status with them); returns how many.
     */
    public CompletionStage<Integer> purge(int limit, Duration keepApplied) {
        return pool.preparedQuery(PURGE_EXPIRED)
                .execute(Tuple.of(limit))
                .subscribeAsCompletionStage()
                .thenApply(RowSet::rowCount)
                .thenCompose(n -> pool.preparedQuery(PURGE_RELEASED)
                        .execute(Tuple.of(limit, (double) keepApplied.toSeconds()))
                        .subscribeAsCompletionStage()
                        .thenApply(rows -> n + rows.rowCount()));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
