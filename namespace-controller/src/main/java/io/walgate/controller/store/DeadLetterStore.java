package io.walgate.controller.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.adapter.spi.DeadLettered;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The dead-letter index in PostgreSQL: workers insert rows (they write with plain JDBC, {@code
 * DeadLetterIndex}); the controller lists, finds and discards them.
 *
 * <ol>
 *   <li>Listing is newest first (dead at, then id, both descending) and continues after a
 *       position, so that letters arriving meanwhile never shift a page.
 *   <li>Only letters still {@code DEAD} are listed, found and discarded; a discard is recorded in
 *       the same transaction as its audit line.
 * </ol>
 */
@ApplicationScoped
public class DeadLetterStore {
    /** The worker's insert ({@code DeadLetterIndex}): a record already indexed is left as it is. */
    static final String INSERT = "INSERT INTO dead_letters (namespace, region, entry_id, partition_key, target_key,"
            + " first_error_code, first_error_message, error_code, error_message, attempts, accepted_at,"
            + " dead_at, dlq, dlq_partition, dlq_offset, message_id)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING";

    /** Dead letters discarded per statement. */
    static final int DISCARD_CHUNK = 1000;

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;
    private final Clock clock = Clock.systemUTC();

    DeadLetterStore(Mutiny.SessionFactory sessions, Pool pool) {
        this.sessions = sessions;
        this.pool = pool;
    }

    /**
     * Indexes {@code letters} that are not indexed yet (the index's rebuild from a DLQ); a letter
     * already there, discarded or not, is left as it is.
     *
     * @return how many were added
     */
    public Uni<Integer> addMissing(List<DeadLettered> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Tuple> rows = letters.stream().map(DeadLetterStore::tuple).toList();
        return pool.withTransaction(c -> c.preparedQuery(INSERT).executeBatch(rows))
                .map(result -> {
                    int added = 0;
                    for (var r = result; r != null; r = r.next()) {
                        added += r.rowCount();
                    }
                    return added;
                });
    }

    private static Tuple tuple(DeadLettered l) {
        Tuple t = Tuple.tuple();
        t.addString(text(l.namespace()));
        t.addString(text(l.region()));
        t.addString(text(l.entryId()));
        t.addString(text(l.partitionKey()));
        t.addString(text(l.targetKey()));
        t.addString(text(l.firstErrorCode()));
        t.addString(text(l.firstErrorMessage()));
        t.addString(text(l.errorCode()));
        t.addString(text(l.errorMessage()));
        t.addInteger(l.attempts());
        t.addOffsetDateTime(l.acceptedAt() == null ? null : OffsetDateTime.ofInstant(l.acceptedAt(), ZoneOffset.UTC));
        t.addOffsetDateTime(OffsetDateTime.ofInstant(l.deadAt(), ZoneOffset.UTC));
        t.addString(l.at().queue());
        t.addInteger(l.at().messageId() == null ? l.at().partition() : null);
        t.addLong(l.at().messageId() == null ? l.at().offset() : null);
        t.addString(l.at().messageId());
        return t;
    }

    /** PostgreSQL's text holds no NUL. */
    private static String text(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    /** Where a page ends: the next page starts after it. */
    public record Position(Instant deadAt, long id) {}

    /** Up to {@code limit} dead letters of {@code namespace} matching {@code filter}, newest first, after {@code after}. */
    public Uni<List<DeadLetterRow>> list(String namespace, DeadLetterFilter filter, Position after, int limit) {
        StringBuilder hql =
                new StringBuilder("from DeadLetterRow d where d.namespace = :namespace and d.state = 'DEAD'");
        where(hql, filter);
        if (after != null) {
            hql.append(" and (d.deadAt < :afterAt or (d.deadAt = :afterAt and d.id < :afterId))");
        }
        hql.append(" order by d.deadAt desc, d.id desc");
        return sessions.withSession(s -> {
            var query = s.createSelectionQuery(hql.toString(), DeadLetterRow.class)
                    .setParameter("namespace", namespace)
                    .setMaxResults(limit);
            bind(query, filter);
            if (after != null) {
                query.setParameter("afterAt", after.deadAt()).setParameter("afterId", after.id());
            }
            return query.getResultList();
        });
    }

    /** The dead letters of entry {@code entryId} (one per region it died in), newest first. */
    public Uni<List<DeadLetterRow>> find(String namespace, String entryId, String region) {
        String hql = "from DeadLetterRow d where d.namespace = :namespace and d.entryId = :entryId and d.state = 'DEAD'"
                + (region == null ? "" : " and d.region = :region")
                + " order by d.deadAt desc, d.id desc";
        return sessions.withSession(s -> {
            var query = s.createSelectionQuery(hql, DeadLetterRow.class)
                    .setParameter("namespace", namespace)
                    .setParameter("entryId", entryId);
            if (region != null) {
                query.setParameter("region", region);
            }
            return query.getResultList();
        });
    }

    /**
     * Marks {@code ids} discarded by {@code actor} for {@code reason} and writes {@code audit} (its
     * time set here), in one transaction; with no ids, only the audit line.
     *
     * @return how many were still dead and are now discarded
     */
    public Uni<Integer> discard(List<Long> ids, String actor, String reason, AuditRow audit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        audit.at = now;
        return sessions.withTransaction(
                s -> discard(s, ids, 0, now, actor, reason, 0).call(() -> s.persist(audit)));
    }

    /**
     * Marks {@code ids} from {@code from} on discarded, {@link #DISCARD_CHUNK} at a time: one
     * statement with them all would bind one parameter each, and PostgreSQL takes at most 65 535.
     */
    private static Uni<Integer> discard(
            Mutiny.Session s, List<Long> ids, int from, Instant now, String actor, String reason, int done) {
        if (from >= ids.size()) {
            return Uni.createFrom().item(done);
        }
        List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + DISCARD_CHUNK));
        return s.createMutationQuery("update DeadLetterRow d set d.state = 'DISCARDED', d.discardedAt = :now,"
                        + " d.discardedBy = :actor, d.discardReason = :reason"
                        + " where d.id in (:ids) and d.state = 'DEAD'")
                .setParameter("now", now)
                .setParameter("actor", actor)
                .setParameter("reason", reason)
                .setParameter("ids", chunk)
                .executeUpdate()
                .chain(n -> discard(s, ids, from + DISCARD_CHUNK, now, actor, reason, done + n));
    }

    /** Per region of {@code namespace}: how many dead letters, and when the oldest died. */
    public Uni<List<Object[]>> summary(String namespace) {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "select d.region, count(d), min(d.deadAt) from DeadLetterRow d"
                                + " where d.namespace = :namespace and d.state = 'DEAD' group by d.region order by d.region",
                        Object[].class)
                .setParameter("namespace", namespace)
                .getResultList());
    }

    /** Per namespace and region: how many dead letters, and when the oldest died; for metrics. */
    public Uni<List<Object[]>> summaries() {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "select d.namespace, d.region, count(d), min(d.deadAt) from DeadLetterRow d"
                                + " where d.state = 'DEAD' group by d.namespace, d.region",
                        Object[].class)
                .getResultList());
    }

    private static void where(StringBuilder hql, DeadLetterFilter f) {
        if (f.region() != null) {
            hql.append(" and d.region = :region");
        }
        if (f.errorCode() != null) {
            hql.append(" and d.errorCode = :errorCode");
        }
        if (f.key() != null) {
            hql.append(" and (d.partitionKey = :key or d.targetKey = :key)");
        }
        if (f.since() != null) {
            hql.append(" and d.deadAt >= :since");
        }
        if (f.until() != null) {
            hql.append(" and d.deadAt < :until");
        }
        if (f.entryIds() != null) {
            hql.append(" and d.entryId in (:entryIds)");
        }
    }

    private static void bind(Mutiny.SelectionQuery<?> query, DeadLetterFilter f) {
        if (f.region() != null) {
            query.setParameter("region", f.region());
        }
        if (f.errorCode() != null) {
            query.setParameter("errorCode", f.errorCode());
        }
        if (f.key() != null) {
            query.setParameter("key", f.key());
        }
        if (f.since() != null) {
            query.setParameter("since", f.since());
        }
        if (f.until() != null) {
            query.setParameter("until", f.until());
        }
        if (f.entryIds() != null) {
            query.setParameter("entryIds", f.entryIds());
        }
    }
}
