package io.walgate.consumers.targets.postgres;

import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Upserts or deletes the row of the entry's key in a table of {@code (key text primary key, payload
 * bytea, content_type text, entry_id uuid, written_at timestamptz, updated_at timestamptz)}, created
 * when missing. The entry id goes into {@code walgate_applied_entries} in the same transaction; an
 * entry found there is not applied again, so a redelivery changes nothing.
 *
 * <p>Last writer wins, by write order ({@link Envelope#writtenAt()}, then the entry id): a row is
 * only replaced by a later write, and a DELETE leaves a tombstone in {@code walgate_tombstones} that
 * refuses earlier PUTs of the key. So an older entry that arrives late (an UNKNOWN write repeated and
 * appended again, a retry) never overwrites a newer one. Applied ids and tombstones are kept {@link
 * #KEPT} and then purged, a little at a time, by the worker that applies.
 *
 * <p>The table is the entry's {@code target.options.table}, else the region's {@code
 * options.table}, else {@code walgate_entries}. Connection and resource errors (SQLSTATE classes
 * 08, 40, 53, 57) are transient; constraint, data and syntax errors permanent.
 */
final class PostgresTarget implements Target {
    private static final Pattern TABLE =
            Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,62}(\\.[a-zA-Z_][a-zA-Z0-9_]{0,62})?");

    private final String jdbcUrl;
    private final String defaultTable;
    private final Set<String> ready = new HashSet<>();
    private Connection connection;
    private long nextPurge = System.nanoTime();
    private long lastUsed = System.nanoTime();

    /** The advisory lock that serialises creating tables, across connections and workers. */
    private static final long DDL_LOCK = 0x57414c4744444cL; // "WALGDDL"

    /** Unused this long, the connection is checked before it is used again. */
    private static final Duration IDLE = Duration.ofSeconds(30);

    /** How long applied ids and tombstones are kept: well past any redelivery of an entry. */
    static final Duration KEPT = Duration.ofDays(30);

    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    /** @param url {@code postgresql://host:port/db?user=…&password=…} */
    PostgresTarget(URI url, String defaultTable) {
        this.jdbcUrl = "jdbc:" + url.toString().replaceFirst("^postgres://", "postgresql://");
        this.defaultTable = defaultTable == null ? "walgate_entries" : defaultTable;
    }

    @Override
    public Applied apply(Envelope entry) {
        String key = entry.effectiveKey();
        if (key == null || key.isEmpty()) {
            return Applied.permanent("NO_KEY", "a postgres target applies by key and the entry has none");
        }
        String table = entry.target().options().getOrDefault("table", defaultTable);
        if (!TABLE.matcher(table).matches()) {
            return Applied.permanent("BAD_TABLE", "'" + table + "' is not a plain table name");
        }
        try {
            Connection c = connection();
            ensure(c, table);
            try {
                lockKeys(c, table, List.of(key));
                if (alreadyApplied(c, entry)) {
                    c.rollback();
                    return Applied.done();
                }
                if (entry.target().op() == TargetOp.DELETE) {
                    try (PreparedStatement delete = c.prepareStatement(deleteSql(table));
                            PreparedStatement tombstone = c.prepareStatement(TOMBSTONE_SQL)) {
                        bindDelete(delete, tombstone, table, entry);
                        delete.executeUpdate();
                        tombstone.executeUpdate();
                    }
                } else {
                    try (PreparedStatement upsert = c.prepareStatement(upsertSql(table))) {
                        bindUpsert(upsert, table, entry);
                        upsert.executeUpdate();
                    }
                }
                c.commit();
                purgeNowAndThen(c);
                return Applied.done();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            return classify(e);
        }
    }

    /**
     * One transaction for the lot: the ids are marked in one statement, the rows of entries not seen
     * before written in order with JDBC batches. If anything fails, the transaction is rolled back
     * and each entry is applied alone, so that each gets its own outcome.
     */
    @Override
    public List<Applied> applyAll(List<Envelope> entries) {
        String table = null;
        for (Envelope entry : entries) {
            String t = entry.target().options().getOrDefault("table", defaultTable);
            String key = entry.effectiveKey();
            if (!TABLE.matcher(t).matches() || key == null || key.isEmpty() || (table != null && !table.equals(t))) {
                return Target.super.applyAll(entries); // unusual: let apply() sort each one out
            }
            table = t;
        }
        try {
            Connection c = connection();
            ensure(c, table);
            try {
                applyTogether(c, table, entries);
                c.commit();
                purgeNowAndThen(c);
                return entries.stream().map(e -> Applied.done()).toList();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            Applied failure = classify(e);
            if (failure instanceof Applied.Failed f && f.transientFailure()) {
                // The database is away or busy: one by one would only wait out each timeout in turn.
                return entries.stream().map(x -> failure).toList();
            }
            close(); // a fresh connection for the one-by-one pass
            return Target.super.applyAll(entries);
        }
    }

    private static void applyTogether(Connection c, String table, List<Envelope> entries) throws SQLException {
        lockKeys(c, table, entries.stream().map(Envelope::effectiveKey).toList());
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement mark = c.prepareStatement("INSERT INTO walgate_applied_entries (entry_id, namespace)"
                + " SELECT * FROM unnest(?::uuid[], ?::text[]) ON CONFLICT (entry_id) DO NOTHING RETURNING entry_id")) {
            mark.setArray(
                    1,
                    c.createArrayOf(
                            "uuid",
                            entries.stream().map(e -> e.id().uuid()).distinct().toArray()));
            mark.setArray(
                    2,
                    c.createArrayOf(
                            "text",
                            entries.stream()
                                    .collect(Collectors.toMap(
                                            e -> e.id().uuid(), Envelope::namespace, (a, b) -> a, LinkedHashMap::new))
                                    .values()
                                    .toArray()));
            try (var rs = mark.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, UUID.class));
                }
            }
        }
        try (PreparedStatement upsert = c.prepareStatement(upsertAllSql(table));
                PreparedStatement delete = c.prepareStatement(deleteSql(table));
                PreparedStatement tombstone = c.prepareStatement(TOMBSTONE_SQL)) {
            // A run of PUTs goes out as one statement, a run of DELETEs as one JDBC batch; a change
            // of kind flushes, so order holds.
            List<Envelope> puts = new ArrayList<>();
            boolean deletes = false;
            for (Envelope entry : entries) {
                if (!fresh.remove(entry.id().uuid())) {
                    continue; // applied before, or a second copy within this batch
                }
                if (entry.target().op() == TargetOp.DELETE) {
                    upsertAll(c, upsert, table, puts);
                    bindDelete(delete, tombstone, table, entry);
                    delete.addBatch();
                    tombstone.addBatch();
                    deletes = true;
                } else {
                    if (deletes) {
                        delete.executeBatch();
                        tombstone.executeBatch();
                        deletes = false;
                    }
                    puts.add(entry);
                }
            }
            upsertAll(c, upsert, table, puts);
            if (deletes) {
                delete.executeBatch();
                tombstone.executeBatch();
            }
        }
    }

    /**
     * Upserts a run of PUTs in one statement and empties it. Within the run only the latest write
     * of each key can win (the same as applying them in turn: a row only ever moves to a later
     * write), so it is the only one sent, and one statement never touches a row twice.
     */
    private static void upsertAll(Connection c, PreparedStatement upsert, String table, List<Envelope> puts)
            throws SQLException {
        if (puts.isEmpty()) {
            return;
        }
        int n = puts.size();
        String[] keys = new String[n];
        byte[][] payloads = new byte[n][];
        String[] contentTypes = new String[n];
        UUID[] ids = new UUID[n];
        String[] writtenAt = new String[n];
        for (int i = 0; i < n; i++) {
            Envelope e = puts.get(i);
            keys[i] = e.effectiveKey();
            payloads[i] = e.payload();
            contentTypes[i] = e.contentType();
            ids[i] = e.id().uuid();
            // As ISO-8601 UTC text: pgjdbc would encode a Timestamp[] through toString(), in the
            // JVM's zone, and an hour of a DST change is ambiguous there.
            writtenAt[i] = e.writtenAt().toString();
        }
        upsert.setArray(1, c.createArrayOf("text", keys));
        upsert.setArray(2, c.createArrayOf("bytea", payloads));
        upsert.setArray(3, c.createArrayOf("text", contentTypes));
        upsert.setArray(4, c.createArrayOf("uuid", ids));
        upsert.setArray(5, c.createArrayOf("text", writtenAt));
        upsert.setString(6, table);
        upsert.executeUpdate();
        puts.clear();
    }

    /**
     * Takes a transaction-scoped lock per (table, key), in one order, before anything is compared.
     * Without it, at READ COMMITTED a PUT cannot see the tombstone of a DELETE that has not
     * committed yet, and the two applied at once (another worker's retry, an SQS namespace with two
     * workers) could bring back a deleted key.
     */
    private static void lockKeys(Connection c, String table, List<String> keys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT"
                + " hashtextextended(? || '/' || k, 0) AS h FROM unnest(?::text[]) AS k ORDER BY h) AS keys")) {
            lock.setString(1, table);
            lock.setArray(2, c.createArrayOf("text", keys.toArray()));
            lock.executeQuery().close();
        }
    }

    /** A PUT: written unless the row or a tombstone of its key is of a later write. */
    private static String upsertSql(String table) {
        return "INSERT INTO " + table + " AS cur (key, payload, content_type, entry_id, written_at, updated_at)"
                + " SELECT ?, ?, ?, ?, ?, now() WHERE NOT EXISTS (SELECT 1 FROM walgate_tombstones d"
                + " WHERE d.tbl = ? AND d.key = ? AND (d.written_at, d.entry_id) >= (?, ?))"
                + " ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload,"
                + " content_type = EXCLUDED.content_type, entry_id = EXCLUDED.entry_id,"
                + " written_at = EXCLUDED.written_at, updated_at = now()"
                + " WHERE (coalesce(cur.written_at, '-infinity'), cur.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";
    }

    /** {@link #upsertSql} for many PUTs at once, the latest of each key only. */
    private static String upsertAllSql(String table) {
        return "INSERT INTO " + table + " AS cur (key, payload, content_type, entry_id, written_at, updated_at)"
                + " SELECT DISTINCT ON (w.key) w.key, w.payload, w.content_type, w.entry_id, w.written_at, now()"
                + " FROM unnest(?::text[], ?::bytea[], ?::text[], ?::uuid[], ?::text[]::timestamptz[])"
                + " AS w(key, payload, content_type, entry_id, written_at)"
                + " WHERE NOT EXISTS (SELECT 1 FROM walgate_tombstones d WHERE d.tbl = ? AND d.key = w.key"
                + " AND (d.written_at, d.entry_id) >= (w.written_at, w.entry_id))"
                + " ORDER BY w.key, w.written_at DESC, w.entry_id DESC"
                + " ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload,"
                + " content_type = EXCLUDED.content_type, entry_id = EXCLUDED.entry_id,"
                + " written_at = EXCLUDED.written_at, updated_at = now()"
                + " WHERE (coalesce(cur.written_at, '-infinity'), cur.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";
    }

    /** A DELETE: removes the row unless it is of a later write. */
    private static String deleteSql(String table) {
        return "DELETE FROM " + table + " WHERE key = ? AND (coalesce(written_at, '-infinity'), entry_id) < (?, ?)";
    }

    /** ... and remembers the DELETE, so that an earlier PUT arriving later stays refused. */
    private static final String TOMBSTONE_SQL = "INSERT INTO walgate_tombstones AS d (tbl, key, written_at, entry_id)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET written_at = EXCLUDED.written_at,"
            + " entry_id = EXCLUDED.entry_id, deleted_at = now()"
            + " WHERE (d.written_at, d.entry_id) < (EXCLUDED.written_at, EXCLUDED.entry_id)";

    private static void bindUpsert(PreparedStatement upsert, String table, Envelope entry) throws SQLException {
        Timestamp at = Timestamp.from(entry.writtenAt());
        upsert.setString(1, entry.effectiveKey());
        upsert.setBytes(2, entry.payload());
        upsert.setString(3, entry.contentType());
        upsert.setObject(4, entry.id().uuid());
        upsert.setTimestamp(5, at);
        upsert.setString(6, table);
        upsert.setString(7, entry.effectiveKey());
        upsert.setTimestamp(8, at);
        upsert.setObject(9, entry.id().uuid());
    }

    private static void bindDelete(PreparedStatement delete, PreparedStatement tombstone, String table, Envelope entry)
            throws SQLException {
        Timestamp at = Timestamp.from(entry.writtenAt());
        delete.setString(1, entry.effectiveKey());
        delete.setTimestamp(2, at);
        delete.setObject(3, entry.id().uuid());
        tombstone.setString(1, table);
        tombstone.setString(2, entry.effectiveKey());
        tombstone.setTimestamp(3, at);
        tombstone.setObject(4, entry.id().uuid());
    }

    /**
     * Every {@link #PURGE_EVERY}, drops applied ids and tombstones older than {@link #KEPT}, at most
     * 10 000 of each, so that neither table grows for ever. A failure is only logged: the next purge
     * tries again, and nothing applied depends on it.
     */
    private void purgeNowAndThen(Connection c) {
        if (System.nanoTime() - nextPurge < 0) {
            return;
        }
        nextPurge = System.nanoTime() + PURGE_EVERY.toNanos();
        try (Statement s = c.createStatement()) {
            String cutoff = "now() - interval '" + KEPT.toDays() + " days'";
            s.executeUpdate("DELETE FROM walgate_applied_entries WHERE entry_id IN (SELECT entry_id FROM"
                    + " walgate_applied_entries WHERE applied_at < " + cutoff + " LIMIT 10000)");
            s.executeUpdate("DELETE FROM walgate_tombstones WHERE (tbl, key) IN (SELECT tbl, key FROM"
                    + " walgate_tombstones WHERE deleted_at < " + cutoff + " LIMIT 10000)");
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is checked again before the next apply
            }
            System.getLogger(PostgresTarget.class.getName())
                    .log(System.Logger.Level.WARNING, "could not purge applied entry ids: " + e.getMessage());
        }
    }

    private static boolean alreadyApplied(Connection c, Envelope entry) throws SQLException {
        try (PreparedStatement mark = c.prepareStatement("INSERT INTO walgate_applied_entries (entry_id, namespace)"
                + " VALUES (?, ?) ON CONFLICT (entry_id) DO NOTHING")) {
            mark.setObject(1, entry.id().uuid());
            mark.setString(2, entry.namespace());
            return mark.executeUpdate() == 0;
        }
    }

    private void ensure(Connection c, String table) throws SQLException {
        if (ready.contains(table)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            // Lanes of one worker (and other workers) create the same tables at once, and CREATE …
            // IF NOT EXISTS is not safe against that: the loser fails on pg_type's unique index, a
            // "permanent" 23505 that would dead-letter its entries. One at a time, then.
            s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS walgate_applied_entries (entry_id uuid PRIMARY KEY,"
                    + " namespace text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE INDEX IF NOT EXISTS walgate_applied_entries_applied_at"
                    + " ON walgate_applied_entries (applied_at)");
            s.execute("CREATE TABLE IF NOT EXISTS walgate_tombstones (tbl text NOT NULL, key text NOT NULL,"
                    + " written_at timestamptz NOT NULL, entry_id uuid NOT NULL,"
                    + " deleted_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tbl, key))");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (key text PRIMARY KEY, payload bytea,"
                    + " content_type text, entry_id uuid NOT NULL, written_at timestamptz,"
                    + " updated_at timestamptz NOT NULL)");
            // Tables made before last-writer-wins: their rows count as older than any new write.
            s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS written_at timestamptz");
        }
        c.commit();
        ready.add(table);
    }

    /**
     * The connection, opened when there is none. Validated only after {@link #IDLE} unused (a
     * server restarted or a connection dropped meanwhile is replaced quietly), not before every
     * apply: that is a round trip per batch. One that breaks while busy fails the apply
     * transiently, and {@link #classify} closes it.
     */
    private Connection connection() throws SQLException {
        long now = System.nanoTime();
        boolean idle = now - lastUsed > IDLE.toNanos();
        lastUsed = now;
        if (connection == null || connection.isClosed() || (idle && !connection.isValid(2))) {
            close();
            connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private Applied classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String code = "PG_" + (state.isEmpty() ? "ERROR" : state);
        boolean transientFailure = state.isEmpty()
                || state.startsWith("08")
                || state.startsWith("40")
                || state.startsWith("53")
                || state.startsWith("57");
        if (transientFailure) {
            close(); // reconnect on the next attempt
            return Applied.retry(code, e.getMessage());
        }
        return Applied.permanent(code, e.getMessage());
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a broken connection
            }
            connection = null;
        }
    }
}
