package io.walgate.consumers.targets.postgres;

import io.walgate.contract.entry.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The statements of a {@link PostgresTarget}'s transactions, last writer wins: by write order
 * ({@link Envelope#writtenAt()}, then the entry id) a row is only replaced by a later write, and a
 * DELETE leaves a tombstone that refuses earlier PUTs of its key. Every entry id is marked in {@code
 * walgate_applied_entries} in the same transaction, and an id marked before is not written again.
 *
 * <p>All of them run inside a transaction that first {@linkplain #lockKeys locked its keys}; none
 * commits.
 */
final class PostgresWrites {
    private PostgresWrites() {}

    /**
     * Takes a transaction-scoped lock per (table, key), in one order, before anything is compared.
     * Without it, at READ COMMITTED a PUT cannot see the tombstone of a DELETE that has not
     * committed yet, and the two applied at once (another worker's retry, an SQS namespace with two
     * workers) could bring back a deleted key. It is a statement of its own for that reason: a
     * statement sees what was committed when it began, so the comparisons must begin after the locks
     * are held.
     */
    /**
     * {@link #lockKeys} for keys of several tables at once, each given as {@code table/key}: one
     * order for all of them, so that two transactions over the same tables cannot deadlock.
     */
    static void lockTableKeys(Connection c, List<String> tableKeys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT"
                + " hashtextextended(k, 0) AS h FROM unnest(?::text[]) AS k ORDER BY h) AS keys")) {
            lock.setArray(1, c.createArrayOf("text", tableKeys.toArray(String[]::new)));
            lock.executeQuery().close();
        }
    }

    static void lockKeys(Connection c, String table, List<String> keys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT"
                + " hashtextextended(? || '/' || k, 0) AS h FROM unnest(?::text[]) AS k ORDER BY h) AS keys")) {
            lock.setString(1, table);
            lock.setArray(2, c.createArrayOf("text", keys.toArray(String[]::new)));
            lock.executeQuery().close();
        }
    }

    /** Marks one entry applied; @return false when it was marked before (nothing to write) */
    static boolean markApplied(Connection c, Envelope entry) throws SQLException {
        try (PreparedStatement mark = c.prepareStatement("INSERT INTO walgate_applied_entries (entry_id, namespace)"
                + " VALUES (?, ?) ON CONFLICT (entry_id) DO NOTHING")) {
            mark.setObject(1, entry.id().uuid());
            mark.setString(2, entry.namespace());
            return mark.executeUpdate() == 1;
        }
    }

    /** Marks the entries applied; @return the ids not marked before, those to write */
    static Set<UUID> markFresh(Connection c, List<Envelope> entries) throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement mark = c.prepareStatement(
                "INSERT INTO walgate_applied_entries (entry_id, namespace) " + MARKS + " RETURNING entry_id")) {
            bindMarks(c, mark, entries);
            try (var rs = mark.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return fresh;
    }

    /**
     * A batch of PUTs only (the common case) in one statement: marks the ids and upserts the latest
     * write of each key among the entries not marked before — what {@link #markFresh} and then
     * {@link #upsertAll} do, in one round trip instead of two.
     */
    static void markAndUpsertAll(Connection c, String table, List<Envelope> puts) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("WITH fresh AS (INSERT INTO walgate_applied_entries"
                + " (entry_id, namespace) " + MARKS + " RETURNING entry_id) " + upsertAllSql(table, true))) {
            bindMarks(c, statement, puts);
            bindPuts(c, statement, 3, table, puts);
            statement.executeUpdate();
        }
    }

    /**
     * Upserts a run of PUTs in one statement. Within the run only the latest write of each key can
     * win (the same as applying them in turn: a row only ever moves to a later write), so it is the
     * only one sent, and one statement never touches a row twice.
     */
    static void upsertAll(Connection c, String table, List<Envelope> puts) throws SQLException {
        if (puts.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(upsertAllSql(table, false))) {
            bindPuts(c, upsert, 1, table, puts);
            upsert.executeUpdate();
        }
    }

    /*
     * Arrays go out in pgjdbc's binary form, which it has for String[], byte[][] and long[] but not
     * for UUID[] or Object[]: those it writes as text, escaping every character, which cost a lane a
     * fifth of its CPU. So ids travel as text[] (cast to uuid[] by the server), write times as bigint
     * microseconds.
     */
    private static final String MARKS =
            "SELECT * FROM unnest(?::text[]::uuid[], ?::text[]) ON CONFLICT (entry_id) DO NOTHING";

    private static void bindMarks(Connection c, PreparedStatement statement, List<Envelope> entries)
            throws SQLException {
        var namespaces = entries.stream()
                .collect(
                        Collectors.toMap(e -> e.id().toString(), Envelope::namespace, (a, b) -> a, LinkedHashMap::new));
        statement.setArray(1, c.createArrayOf("text", namespaces.keySet().toArray(String[]::new)));
        statement.setArray(2, c.createArrayOf("text", namespaces.values().toArray(String[]::new)));
    }

    /** Binds {@link #upsertAllSql}'s six parameters from {@code first} on. */
    private static void bindPuts(
            Connection c, PreparedStatement statement, int first, String table, List<Envelope> puts)
            throws SQLException {
        int n = puts.size();
        String[] keys = new String[n];
        byte[][] payloads = new byte[n][];
        String[] contentTypes = new String[n];
        String[] ids = new String[n];
        long[] writtenAt = new long[n];
        for (int i = 0; i < n; i++) {
            Envelope e = puts.get(i);
            keys[i] = e.effectiveKey();
            payloads[i] = e.payload();
            contentTypes[i] = e.contentType();
            ids[i] = e.id().toString();
            // As microseconds since the epoch, not a Timestamp[]: pgjdbc would write those through
            // toString(), in the JVM's zone, where an hour of a DST change is ambiguous.
            writtenAt[i] = micros(e.writtenAt());
        }
        statement.setArray(first, c.createArrayOf("text", keys));
        statement.setArray(first + 1, c.createArrayOf("bytea", payloads));
        statement.setArray(first + 2, c.createArrayOf("text", contentTypes));
        statement.setArray(first + 3, c.createArrayOf("text", ids));
        statement.setObject(first + 4, writtenAt); // pgjdbc: a long[] is an int8[], in binary
        statement.setString(first + 5, table);
    }

    /**
     * {@code at} in whole microseconds, PostgreSQL's precision, rounded half up as pgjdbc rounds the
     * {@link #utc} of a single write (so a write time compares the same whichever path wrote it).
     */
    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), (at.getNano() + 500) / 1000);
    }

    /**
     * Microseconds {@code m} back to a time, exactly: seconds and microseconds apart, since an
     * interval times a bigint is computed in double precision (exact only within ±2^53 µs, some 285
     * years around 1970, and a write time may be any of the years 1 to 9999); and in seconds, not
     * days, whose length depends on the session's time zone.
     */
    private static final String FROM_MICROS =
            "timestamptz 'epoch' + (m / 1000000) * interval '1 second'" + " + (m % 1000000) * interval '1 microsecond'";

    /** Many PUTs at once, the latest of each key only; with {@code onlyFresh}, of the ids in {@code fresh}. */
    private static String upsertAllSql(String table, boolean onlyFresh) {
        return "INSERT INTO " + table + " AS cur (key, payload, content_type, entry_id, written_at, updated_at)"
                + " SELECT DISTINCT ON (w.key) w.key, w.payload, w.content_type, w.entry_id, w.written_at, now()"
                + " FROM (SELECT k, p, t, i::uuid, " + FROM_MICROS
                + " FROM unnest(?::text[], ?::bytea[], ?::text[], ?::text[], ?::int8[]) AS a(k, p, t, i, m))"
                + " AS w(key, payload, content_type, entry_id, written_at)"
                + " WHERE NOT EXISTS (SELECT 1 FROM walgate_tombstones d WHERE d.tbl = ? AND d.key = w.key"
                + " AND (d.written_at, d.entry_id) >= (w.written_at, w.entry_id))"
                + (onlyFresh ? " AND w.entry_id IN (SELECT entry_id FROM fresh)" : "")
                + " ORDER BY w.key, w.written_at DESC, w.entry_id DESC"
                + " ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload,"
                + " content_type = EXCLUDED.content_type, entry_id = EXCLUDED.entry_id,"
                + " written_at = EXCLUDED.written_at, updated_at = now()"
                + " WHERE (coalesce(cur.written_at, '-infinity'), cur.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";
    }

    /** A PUT: written unless the row or a tombstone of its key is of a later write. */
    static String upsertSql(String table) {
        return "INSERT INTO " + table + " AS cur (key, payload, content_type, entry_id, written_at, updated_at)"
                + " SELECT ?, ?, ?, ?, ?, now() WHERE NOT EXISTS (SELECT 1 FROM walgate_tombstones d"
                + " WHERE d.tbl = ? AND d.key = ? AND (d.written_at, d.entry_id) >= (?, ?))"
                + " ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload,"
                + " content_type = EXCLUDED.content_type, entry_id = EXCLUDED.entry_id,"
                + " written_at = EXCLUDED.written_at, updated_at = now()"
                + " WHERE (coalesce(cur.written_at, '-infinity'), cur.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";
    }

    /** A DELETE: removes the row unless it is of a later write. */
    static String deleteSql(String table) {
        return "DELETE FROM " + table + " WHERE key = ? AND (coalesce(written_at, '-infinity'), entry_id) < (?, ?)";
    }

    /** ... and remembers the DELETE, so that an earlier PUT arriving later stays refused. */
    static final String TOMBSTONE_SQL = "INSERT INTO walgate_tombstones AS d (tbl, key, written_at, entry_id)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET written_at = EXCLUDED.written_at,"
            + " entry_id = EXCLUDED.entry_id, deleted_at = now()"
            + " WHERE (d.written_at, d.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";

    /**
     * A write time as pgjdbc binds it exactly: a {@code java.sql.Timestamp} goes through the JVM's
     * hybrid Julian calendar, and a time before 1582 was stored days off the same time of a batch.
     */
    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    static void bindUpsert(PreparedStatement upsert, String table, Envelope entry) throws SQLException {
        OffsetDateTime at = utc(entry.writtenAt());
        upsert.setString(1, entry.effectiveKey());
        upsert.setBytes(2, entry.payload());
        upsert.setString(3, entry.contentType());
        upsert.setObject(4, entry.id().uuid());
        upsert.setObject(5, at);
        upsert.setString(6, table);
        upsert.setString(7, entry.effectiveKey());
        upsert.setObject(8, at);
        upsert.setObject(9, entry.id().uuid());
    }

    static void bindDelete(PreparedStatement delete, PreparedStatement tombstone, String table, Envelope entry)
            throws SQLException {
        OffsetDateTime at = utc(entry.writtenAt());
        delete.setString(1, entry.effectiveKey());
        delete.setObject(2, at);
        delete.setObject(3, entry.id().uuid());
        tombstone.setString(1, table);
        tombstone.setString(2, entry.effectiveKey());
        tombstone.setObject(3, at);
        tombstone.setObject(4, entry.id().uuid());
    }
}
