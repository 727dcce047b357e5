package io.walgate.consumers.targets;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upserts or deletes the row of the entry's key in a table of {@code (key text primary key, payload
 * bytea, content_type text, entry_id uuid, updated_at timestamptz)}, created when missing. The
 * entry id goes into {@code walgate_applied_entries} in the same transaction; an entry found there
 * is not applied again, so a redelivery changes nothing.
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
    private final java.util.Set<String> ready = new java.util.HashSet<>();
    private Connection connection;

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
                if (alreadyApplied(c, entry)) {
                    c.rollback();
                    return Applied.done();
                }
                if (entry.target().op() == TargetOp.DELETE) {
                    try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
                        delete.setString(1, key);
                        delete.executeUpdate();
                    }
                } else {
                    try (PreparedStatement upsert = c.prepareStatement(upsertSql(table))) {
                        bindUpsert(upsert, entry);
                        upsert.executeUpdate();
                    }
                }
                c.commit();
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
        java.util.Set<java.util.UUID> fresh = new java.util.HashSet<>();
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
                                    .collect(java.util.stream.Collectors.toMap(
                                            e -> e.id().uuid(),
                                            Envelope::namespace,
                                            (a, b) -> a,
                                            java.util.LinkedHashMap::new))
                                    .values()
                                    .toArray()));
            try (var rs = mark.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, java.util.UUID.class));
                }
            }
        }
        try (PreparedStatement upsert = c.prepareStatement(upsertSql(table));
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
            // Runs of one kind go out as one JDBC batch; a change of kind flushes, so order holds.
            TargetOp pending = null;
            for (Envelope entry : entries) {
                if (!fresh.remove(entry.id().uuid())) {
                    continue; // applied before, or a second copy within this batch
                }
                TargetOp op = entry.target().op() == TargetOp.DELETE ? TargetOp.DELETE : TargetOp.PUT;
                if (pending != null && pending != op) {
                    (pending == TargetOp.DELETE ? delete : upsert).executeBatch();
                }
                pending = op;
                if (op == TargetOp.DELETE) {
                    delete.setString(1, entry.effectiveKey());
                    delete.addBatch();
                } else {
                    bindUpsert(upsert, entry);
                    upsert.addBatch();
                }
            }
            if (pending != null) {
                (pending == TargetOp.DELETE ? delete : upsert).executeBatch();
            }
        }
    }

    private static String upsertSql(String table) {
        return "INSERT INTO " + table
                + " (key, payload, content_type, entry_id, updated_at) VALUES (?, ?, ?, ?, now())"
                + " ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload,"
                + " content_type = EXCLUDED.content_type, entry_id = EXCLUDED.entry_id, updated_at = now()";
    }

    private static void bindUpsert(PreparedStatement upsert, Envelope entry) throws SQLException {
        upsert.setString(1, entry.effectiveKey());
        upsert.setBytes(2, entry.payload());
        upsert.setString(3, entry.contentType());
        upsert.setObject(4, entry.id().uuid());
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
            s.execute("CREATE TABLE IF NOT EXISTS walgate_applied_entries (entry_id uuid PRIMARY KEY,"
                    + " namespace text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (key text PRIMARY KEY, payload bytea,"
                    + " content_type text, entry_id uuid NOT NULL, updated_at timestamptz NOT NULL)");
        }
        c.commit();
        ready.add(table);
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed() || !connection.isValid(2)) {
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
