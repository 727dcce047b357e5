package io.walgate.controller.replay;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.controller.replay.ReplayJob.State;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * Replay jobs in PostgreSQL, with plain SQL (the runner's threads are no event loop, where
 * Hibernate Reactive's sessions must run).
 *
 * <ol>
 *   <li>At most one live job (pending, running, paused) per namespace: the database's unique index
 *       says so, for any number of controllers; {@link #insert} answers the live job instead.
 *   <li>A job runs where its lease is: {@link #claim} takes a pending or running job whose lease is
 *       free or expired (a controller that died), {@link #renew} extends it, and progress is
 *       recorded only under a lease held ({@link #progress}); times are the database's.
 *   <li>Every change of state is in the audit log, in the same transaction.
 * </ol>
 */
@ApplicationScoped
public class ReplayJobStore {
    private static final String COLUMNS = "id, namespace, kind, state, request, rate_per_second, dry_run, actor,"
            + " created_at, started_at, finished_at, matched, replayed, skipped, failed, high_water, position, message";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;

    ReplayJobStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores {@code job} and its audit line, unless its namespace has a live job already.
     *
     * @return empty when stored; the live job when there is one
     */
    public Uni<Optional<ReplayJob>> insert(ReplayJob job, String auditDetails) {
        Tuple t = Tuple.tuple()
                .addString(job.id())
                .addString(job.namespace())
                .addString(job.kind().name())
                .addString(job.state().name())
                .addString(job.request())
                .addInteger(job.ratePerSecond())
                .addBoolean(job.dryRun())
                .addString(job.actor())
                .addOffsetDateTime(time(job.createdAt()))
                .addOffsetDateTime(time(job.finishedAt()))
                .addLong(job.matched())
                .addLong(job.highWater())
                .addString(job.position())
                .addString(job.message());
        return pool.withTransaction(c -> c.preparedQuery("INSERT INTO replay_jobs (id, namespace, kind, state,"
                                + " request, rate_per_second, dry_run, actor, created_at, finished_at, matched,"
                                + " high_water, position, message)"
                                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                        .execute(t)
                        .call(() -> audit(c, job.namespace(), job.actor(), "replays.start", auditDetails)))
                .map(done -> Optional.<ReplayJob>empty())
                .onFailure(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()))
                .recoverWithUni(() -> live(job.namespace()).map(live -> {
                    if (live.isEmpty()) {
                        // The other job ended between the two statements: the caller may try again.
                        throw new WalException(
                                ErrorCode.REPLAY_IN_PROGRESS,
                                "another replay job of namespace '" + job.namespace() + "' was starting or ending"
                                        + " at the same time; look at its jobs, and try again");
                    }
                    return live;
                }));
    }

    /** The live job of {@code namespace}, if any. */
    public Uni<Optional<ReplayJob>> live(String namespace) {
        return pool.preparedQuery("SELECT " + COLUMNS
                        + " FROM replay_jobs WHERE namespace = $1 AND state IN ('PENDING', 'RUNNING', 'PAUSED')")
                .execute(Tuple.of(namespace))
                .map(rows -> first(rows));
    }

    public Uni<Optional<ReplayJob>> get(String namespace, String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM replay_jobs WHERE namespace = $1 AND id = $2")
                .execute(Tuple.of(namespace, id))
                .map(rows -> first(rows));
    }

    /** {@code namespace}'s jobs, newest first, made before {@code before} (null: any), at most {@code limit}. */
    public Uni<List<ReplayJob>> list(String namespace, Instant before, int limit) {
        return pool.preparedQuery(
                        "SELECT " + COLUMNS + " FROM replay_jobs WHERE namespace = $1"
                                + " AND ($2::timestamptz IS NULL OR created_at < $2) ORDER BY created_at DESC, id DESC LIMIT $3")
                .execute(Tuple.of(namespace, time(before), limit))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                        .map(ReplayJobStore::job)
                        .toList());
    }

    /**
     * Moves job {@code id} from one of {@code from} to {@code to} (ending it, when {@code to} is no
     * live state), audited as {@code action} by {@code actor}.
     *
     * @return the job as it is now; empty when it was in none of {@code from}
     */
    public Uni<Optional<ReplayJob>> transition(
            String namespace, String id, List<State> from, State to, String actor, String action) {
        String[] states = from.stream().map(State::name).toArray(String[]::new);
        // The lease stays: a batch in flight is still recorded; the runner gives the lease up when it
        // sees the job is no longer running.
        return pool.withTransaction(c -> c.preparedQuery("UPDATE replay_jobs SET state = $3,"
                        + " finished_at = CASE WHEN $4 THEN now() ELSE finished_at END"
                        + " WHERE namespace = $1 AND id = $2 AND state = ANY($5) RETURNING " + COLUMNS)
                .execute(Tuple.tuple()
                        .addString(namespace)
                        .addString(id)
                        .addString(to.name())
                        .addBoolean(!to.live())
                        .addArrayOfString(states))
                .map(ReplayJobStore::first)
                .call(job -> job.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : audit(c, namespace, actor, action, "{\"job\":\"" + id + "\"}")));
    }

    /** Ids of pending or running jobs whose lease is free or has run out. */
    public Uni<List<String>> claimable() {
        return pool.query("SELECT id FROM replay_jobs WHERE state IN ('PENDING', 'RUNNING')"
                        + " AND (lease_until IS NULL OR lease_until < now()) ORDER BY created_at")
                .execute()
                .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                        .map(r -> r.getString("id"))
                        .toList());
    }

    /**
     * Takes job {@code id} for {@code owner} for {@code lease}, if it is pending or running and its
     * lease is free or has run out; a pending job starts running.
     */
    public Uni<Optional<ReplayJob>> claim(String id, String owner, Duration lease) {
        return pool.preparedQuery("UPDATE replay_jobs SET lease_owner = $2, lease_until = now() + $3 * interval '1 ms',"
                        + " state = 'RUNNING', started_at = coalesce(started_at, now())"
                        + " WHERE id = $1 AND state IN ('PENDING', 'RUNNING')"
                        + " AND (lease_until IS NULL OR lease_until < now()) RETURNING " + COLUMNS)
                .execute(Tuple.of(id, owner, lease.toMillis()))
                .map(ReplayJobStore::first);
    }

    /**
     * Extends {@code owner}'s lease of job {@code id}.
     *
     * @return the job as it is now; empty when the lease is no longer {@code owner}'s (the job
     *     ended, was paused, or another controller took it)
     */
    public Uni<Optional<ReplayJob>> renew(String id, String owner, Duration lease) {
        return pool.preparedQuery("UPDATE replay_jobs SET lease_until = now() + $3 * interval '1 ms'"
                        + " WHERE id = $1 AND lease_owner = $2 AND state = 'RUNNING' RETURNING " + COLUMNS)
                .execute(Tuple.of(id, owner, lease.toMillis()))
                .map(ReplayJobStore::first);
    }

    /**
     * Adds to job {@code id}'s counts and moves its position, with {@code also} in the same
     * transaction, if {@code owner} still holds its lease.
     *
     * @return whether it did; nothing is changed otherwise (another controller has the job)
     */
    public boolean progress(
            String id,
            String owner,
            long replayed,
            long skipped,
            String position,
            Function<SqlConnection, Uni<Void>> also) {
        return pool.withTransaction(c -> also.apply(c)
                        .chain(() -> c.preparedQuery("UPDATE replay_jobs SET replayed = replayed + $3,"
                                        + " skipped = skipped + $4, position = $5 WHERE id = $1 AND lease_owner = $2")
                                .execute(Tuple.of(id, owner, replayed, skipped, position)))
                        .invoke(rows -> {
                            if (rows.rowCount() != 1) {
                                throw new LeaseLost();
                            }
                        }))
                .map(rows -> true)
                .onFailure(LeaseLost.class)
                .recoverWithItem(false)
                .await()
                .atMost(Duration.ofSeconds(30));
    }

    /** The job's lease went to another controller while a batch was out: roll back. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /**
     * Ends job {@code id} as {@code state} with {@code message}, if {@code owner} holds its lease
     * and it is still running; what was matched and not reached counts as skipped when it
     * succeeded (it was no longer dead when reached: discarded, or replayed meanwhile), as failed
     * when it failed. Audited.
     */
    public Uni<Optional<ReplayJob>> finish(String id, String owner, State state, String message) {
        return pool.withTransaction(c -> c.preparedQuery("UPDATE replay_jobs SET state = $3, message = $4,"
                        + " finished_at = now(), lease_owner = NULL, lease_until = NULL,"
                        + " skipped = CASE WHEN $3 = 'SUCCEEDED'"
                        + " THEN greatest(skipped, matched - replayed - failed) ELSE skipped END,"
                        + " failed = CASE WHEN $3 = 'FAILED'"
                        + " THEN greatest(failed, matched - replayed - skipped) ELSE failed END"
                        + " WHERE id = $1 AND lease_owner = $2 AND state = 'RUNNING' RETURNING " + COLUMNS)
                .execute(Tuple.of(id, owner, state.name(), message))
                .map(ReplayJobStore::first)
                .call(job -> job.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : audit(c, job.get().namespace(), job.get().actor(), "replays.finish", counts(job.get()))));
    }

    /** Gives up {@code owner}'s lease of job {@code id}: it stopped, or this controller is shutting down. */
    public Uni<Void> release(String id, String owner) {
        return pool.preparedQuery(
                        "UPDATE replay_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2")
                .execute(Tuple.of(id, owner))
                .replaceWithVoid();
    }

    public Pool pool() {
        return pool;
    }

    private static String counts(ReplayJob j) {
        return "{\"job\":\"" + j.id() + "\",\"state\":\"" + j.state() + "\",\"matched\":" + j.matched()
                + ",\"replayed\":" + j.replayed() + ",\"skipped\":" + j.skipped() + ",\"failed\":" + j.failed() + "}";
    }

    private static Uni<Void> audit(SqlConnection c, String namespace, String actor, String action, String details) {
        return c.preparedQuery(
                        "INSERT INTO audit_log (at, actor, action, name, details) VALUES (now(), $1, $2, $3, $4)")
                .execute(Tuple.of(actor, action, namespace, details))
                .replaceWithVoid();
    }

    private static Optional<ReplayJob> first(Iterable<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(job(it.next())) : Optional.empty();
    }

    private static ReplayJob job(Row r) {
        return new ReplayJob(
                r.getString("id"),
                r.getString("namespace"),
                ReplayJob.Kind.valueOf(r.getString("kind")),
                State.valueOf(r.getString("state")),
                r.getString("request"),
                r.getInteger("rate_per_second"),
                r.getBoolean("dry_run"),
                r.getString("actor"),
                instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("started_at")),
                instant(r.getOffsetDateTime("finished_at")),
                r.getLong("matched"),
                r.getLong("replayed"),
                r.getLong("skipped"),
                r.getLong("failed"),
                r.getLong("high_water"),
                r.getString("position"),
                r.getString("message"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
