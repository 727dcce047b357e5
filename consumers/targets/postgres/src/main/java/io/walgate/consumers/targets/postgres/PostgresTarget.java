package io.walgate.consumers.targets.postgres;

import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.TargetConfinement;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

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
 * PostgresSchema#KEPT} and then purged, a little at a time, by the worker that applies ({@link
 * PostgresSchema}); the statements are {@link PostgresWrites}'.
 *
 * <p>The table is the entry's {@code target.options.table}, else the region's {@code
 * options.table}, else {@code walgate_entries}. Connection and resource errors (SQLSTATE classes
 * 08, 40, 53, 57, and 55P03, a lock timeout) are transient; constraint, data and syntax errors
 * permanent.
 */
final class PostgresTarget implements Target {
    private static final Pattern TABLE =
            Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,62}(\\.[a-zA-Z_][a-zA-Z0-9_]{0,62})?");

    /** A plain table name, and not one Walgate keeps its own bookkeeping in (applied ids, tombstones). */
    private static boolean usable(String table) {
        return TABLE.matcher(table).matches() && !TargetConfinement.isReservedTable(table);
    }

    private final String jdbcUrl;
    /** The user and password of the URL's user info, which pgjdbc does not read from a URL. */
    private final Properties credentials = new Properties();

    private final String defaultTable;
    private final PostgresSchema schema = new PostgresSchema();
    private Connection connection;
    private long lastUsed = System.nanoTime();

    /** Unused this long, the connection is checked before it is used again. */
    private static final Duration IDLE = Duration.ofSeconds(30);

    /**
     * @param url {@code postgresql://[user[:password]@]host:port/db[?user=…&password=…]}; user info,
     *     percent-decoded, goes to the driver as properties (pgjdbc would read it as part of the host)
     */
    PostgresTarget(URI url, String defaultTable) {
        String userInfo = url.getUserInfo();
        String raw = url.toString();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            credentials.setProperty("user", colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                credentials.setProperty("password", userInfo.substring(colon + 1));
            }
            raw = raw.replaceFirst("//[^/?#]*@", "//");
        }
        this.jdbcUrl = "jdbc:" + raw.replaceFirst("^postgres://", "postgresql://");
        this.defaultTable = defaultTable == null ? TargetConfinement.DEFAULT_TABLE : defaultTable;
    }

    @Override
    public Applied apply(Envelope entry) {
        String key = entry.effectiveKey();
        if (key == null || key.isEmpty()) {
            return Applied.permanent("NO_KEY", "a postgres target applies by key and the entry has none");
        }
        String table = entry.target().options().getOrDefault("table", defaultTable);
        if (!usable(table)) {
            return Applied.permanent(
                    "BAD_TABLE",
                    "'" + table + "' is not a plain table name, or is one of Walgate's own "
                            + TargetConfinement.RESERVED_TABLES);
        }
        try {
            Connection c = connection();
            schema.ensure(c, table);
            try {
                PostgresWrites.lockKeys(c, table, List.of(key));
                if (!PostgresWrites.markApplied(c, entry)) {
                    c.rollback();
                    return Applied.done();
                }
                if (entry.target().op() == TargetOp.DELETE) {
                    try (PreparedStatement delete = c.prepareStatement(PostgresWrites.deleteSql(table));
                            PreparedStatement tombstone = c.prepareStatement(PostgresWrites.TOMBSTONE_SQL)) {
                        PostgresWrites.bindDelete(delete, tombstone, table, entry);
                        delete.executeUpdate();
                        tombstone.executeUpdate();
                    }
                } else {
                    try (PreparedStatement upsert = c.prepareStatement(PostgresWrites.upsertSql(table))) {
                        PostgresWrites.bindUpsert(upsert, table, entry);
                        upsert.executeUpdate();
                    }
                }
                c.commit();
                schema.purgeNowAndThen(c);
                return Applied.done();
            } catch (SQLException | RuntimeException e) {
                // Never leave a transaction open on the lane's connection: the next apply would
                // commit its half along with its own.
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            return classify(e);
        }
    }

    /**
     * One transaction for the lot, as {@link #applyAll}; if it fails transiently, nothing of it is
     * applied and the failure is the first entry's; if it fails otherwise, the entries are applied
     * one by one up to the first that fails.
     */
    @Override
    public List<Applied> applyUntilFailure(List<Envelope> entries) {
        List<Applied> together = applyAll(entries, false);
        if (together != null) {
            return together;
        }
        return Target.super.applyUntilFailure(entries);
    }

    /**
     * One transaction for the lot, a run of entries of one table at a time (in order; a mutation's
     * items may alternate between tables): per run, the keys locked in one statement; a run of PUTs
     * only is marked and written in one more; otherwise the ids are marked in one statement and the
     * rows of entries not seen before written in order (runs of PUTs one statement each, DELETEs in
     * JDBC batches). If anything fails, the transaction is rolled back and each entry is applied
     * alone, so that each gets its own outcome.
     */
    @Override
    public List<Applied> applyAll(List<Envelope> entries) {
        List<Applied> together = applyAll(entries, true);
        return together != null ? together : Target.super.applyAll(entries);
    }

    /**
     * The lot in one transaction: every entry's outcome, or the first entry's failure alone when it
     * failed transiently ({@code all}: every entry's), or null when the entries are to be applied
     * one by one instead (an unusual table or key, or a permanent failure of the whole).
     */
    private List<Applied> applyAll(List<Envelope> entries, boolean all) {
        List<List<Envelope>> runs = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        for (Envelope entry : entries) {
            String table = entry.target().options().getOrDefault("table", defaultTable);
            String key = entry.effectiveKey();
            if (!usable(table) || key == null || key.isEmpty()) {
                return null; // unusual: let apply() sort each one out
            }
            if (tables.isEmpty() || !tables.get(tables.size() - 1).equals(table)) {
                tables.add(table);
                runs.add(new ArrayList<>());
            }
            runs.get(runs.size() - 1).add(entry);
        }
        try {
            Connection c = connection();
            for (String table : tables) {
                schema.ensure(c, table);
            }
            try {
                if (runs.size() > 1) {
                    // Every key of every table in one order first; each run then holds its own already.
                    List<String> tableKeys = new ArrayList<>();
                    for (int r = 0; r < runs.size(); r++) {
                        for (Envelope e : runs.get(r)) {
                            tableKeys.add(tables.get(r) + "/" + e.effectiveKey());
                        }
                    }
                    PostgresWrites.lockTableKeys(c, tableKeys);
                }
                for (int r = 0; r < runs.size(); r++) {
                    applyTogether(c, tables.get(r), runs.get(r));
                }
                c.commit();
                schema.purgeNowAndThen(c);
                return entries.stream().map(e -> Applied.done()).toList();
            } catch (SQLException | RuntimeException e) {
                // Never leave a transaction open on the lane's connection: the next apply would
                // commit its half along with its own.
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            Applied failure = classify(e);
            if (failure instanceof Applied.Failed f && f.transientFailure()) {
                // The database is away or busy: one by one would only wait out each timeout in turn.
                return all ? entries.stream().map(x -> failure).toList() : List.of(failure);
            }
            close(); // a fresh connection for the one-by-one pass
            return null;
        }
    }

    private static void applyTogether(Connection c, String table, List<Envelope> entries) throws SQLException {
        PostgresWrites.lockKeys(
                c, table, entries.stream().map(Envelope::effectiveKey).toList());
        if (entries.stream().noneMatch(e -> e.target().op() == TargetOp.DELETE)) {
            PostgresWrites.markAndUpsertAll(c, table, entries);
            return;
        }
        Set<UUID> fresh = PostgresWrites.markFresh(c, entries);
        try (PreparedStatement delete = c.prepareStatement(PostgresWrites.deleteSql(table));
                PreparedStatement tombstone = c.prepareStatement(PostgresWrites.TOMBSTONE_SQL)) {
            // A run of PUTs goes out as one statement, a run of DELETEs as one JDBC batch; a change
            // of kind flushes, so order holds.
            List<Envelope> puts = new ArrayList<>();
            boolean deletes = false;
            for (Envelope entry : entries) {
                if (!fresh.remove(entry.id().uuid())) {
                    continue; // applied before, or a second copy within this batch
                }
                if (entry.target().op() == TargetOp.DELETE) {
                    PostgresWrites.upsertAll(c, table, puts);
                    puts.clear();
                    PostgresWrites.bindDelete(delete, tombstone, table, entry);
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
            PostgresWrites.upsertAll(c, table, puts);
            if (deletes) {
                delete.executeBatch();
                tombstone.executeBatch();
            }
        }
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
            connection = DriverManager.getConnection(jdbcUrl, credentials);
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
                || state.startsWith("57")
                || state.equals("55P03"); // lock_not_available: a lock_timeout ran out
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
