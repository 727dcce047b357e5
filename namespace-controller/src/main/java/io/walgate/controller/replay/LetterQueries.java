package io.walgate.controller.replay;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.controller.store.DeadLetterFilter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The dead-letter index as a replay job walks it: the letters of its namespace that its filter
 * matches, still dead, recorded up to its high water, in the order they were recorded.
 */
final class LetterQueries {
    /** A dead letter as a replay needs it. */
    record Letter(long id, String region, String entryId, String dlq, Place place) {}

    private LetterQueries() {}

    /** The id of the newest index row: a job made now covers the rows up to it. */
    static Uni<Long> highWater(Pool pool) {
        return pool.query("SELECT coalesce(max(id), 0) AS high FROM dead_letters")
                .execute()
                .map(rows -> rows.iterator().next().getLong("high"));
    }

    /** How many dead letters of {@code namespace} up to {@code highWater} {@code filter} matches. */
    static Uni<Long> count(Pool pool, String namespace, DeadLetterFilter filter, long highWater) {
        List<Object> args = new ArrayList<>(List.of(namespace, 0L, highWater));
        String where = where(filter, args);
        return pool.preparedQuery("SELECT count(*) AS n FROM dead_letters WHERE namespace = $1 AND state = 'DEAD'"
                        + " AND id > $2 AND id <= $3" + where)
                .execute(Tuple.wrap(args))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /** The next {@code limit} letters of {@code namespace} after row {@code after}, up to {@code highWater}. */
    static Uni<List<Letter>> next(
            Pool pool, String namespace, DeadLetterFilter filter, long after, long highWater, int limit) {
        List<Object> args = new ArrayList<>(List.of(namespace, after, highWater));
        String where = where(filter, args);
        args.add(limit);
        return pool.preparedQuery("SELECT id, region, entry_id, dlq, dlq_partition, dlq_offset, message_id"
                        + " FROM dead_letters WHERE namespace = $1 AND state = 'DEAD' AND id > $2 AND id <= $3"
                        + where + " ORDER BY id LIMIT $" + args.size())
                .execute(Tuple.wrap(args))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                        .map(LetterQueries::letter)
                        .toList());
    }

    /** Marks the letters {@code ids} replayed by job {@code job}, in {@code c}'s transaction. */
    static Uni<Void> replayed(SqlConnection c, String job, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Joined with the ids, not "id = ANY($2)": that one PostgreSQL may plan as a scan of the
        // whole index table, testing each row against the array (measured: 0.3–1 s per 1000 at 30 000 rows).
        return c.preparedQuery("UPDATE dead_letters d SET state = 'REPLAYED', replay_job = $1, replayed_at = now()"
                        + " FROM unnest($2::bigint[]) AS done(id) WHERE d.id = done.id AND d.state = 'DEAD'")
                .execute(Tuple.of(job, ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    private static String where(DeadLetterFilter f, List<Object> args) {
        StringBuilder sql = new StringBuilder();
        if (f.region() != null) {
            args.add(f.region());
            sql.append(" AND region = $").append(args.size());
        }
        if (f.errorCode() != null) {
            args.add(f.errorCode());
            sql.append(" AND error_code = $").append(args.size());
        }
        if (f.key() != null) {
            args.add(f.key());
            sql.append(" AND (partition_key = $")
                    .append(args.size())
                    .append(" OR target_key = $")
                    .append(args.size())
                    .append(")");
        }
        if (f.since() != null) {
            args.add(OffsetDateTime.ofInstant(f.since(), ZoneOffset.UTC));
            sql.append(" AND dead_at >= $").append(args.size());
        }
        if (f.until() != null) {
            args.add(OffsetDateTime.ofInstant(f.until(), ZoneOffset.UTC));
            sql.append(" AND dead_at < $").append(args.size());
        }
        if (f.entryIds() != null) {
            args.add(f.entryIds().toArray(String[]::new));
            sql.append(" AND entry_id = ANY($").append(args.size()).append(")");
        }
        return sql.toString();
    }

    private static Letter letter(Row r) {
        String dlq = r.getString("dlq");
        String messageId = r.getString("message_id");
        Place place = messageId == null
                ? Place.kafka(dlq, r.getInteger("dlq_partition"), r.getLong("dlq_offset"))
                : Place.sqs(dlq, messageId);
        return new Letter(r.getLong("id"), r.getString("region"), r.getString("entry_id"), dlq, place);
    }
}
